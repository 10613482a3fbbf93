using System.Runtime.InteropServices;

namespace Samsa.Testing;

/// <summary>
/// P/Invoke declarations for the parts of librdkafka (2.0.2, Debian 12) used by <see cref="LibrdkafkaMockCluster"/>.
/// <c>rd_kafka_resp_err_t</c> is a C enum, marshalled as <see cref="int"/>.
/// </summary>
/// <remarks>
/// Two mock functions are C variadics, which .NET cannot call portably (<c>__arglist</c> is Windows-only):
/// <c>rd_kafka_mock_push_request_errors</c> has an array twin, <c>rd_kafka_mock_push_request_errors_array</c>,
/// which is used instead. <c>rd_kafka_mock_broker_push_request_error_rtts</c> has none; it is declared with a
/// fixed arity of exactly one (err, rtt) pair and called once per pair with <c>cnt = 1</c>. librdkafka appends
/// each push to the end of the error stack, so the result equals one variadic call. With six integer/pointer
/// arguments every value travels in a register under the x86-64 System V and AArch64 ABIs, where a variadic
/// callee reads them from the same places as a fixed-arity one (x86-64 also reads AL as an upper bound of
/// vector registers used, which only decides whether the prologue saves XMM registers).
/// </remarks>
internal static unsafe partial class LibrdkafkaNative
{
    private const string Lib = Peers.LibrdkafkaSoName;

    internal const int RdKafkaProducer = 0;
    internal const int ConfOk = 0;

    [LibraryImport(Lib)]
    internal static partial nint rd_kafka_version_str();

    [LibraryImport(Lib)]
    internal static partial nint rd_kafka_err2str(int err);

    [LibraryImport(Lib)]
    internal static partial nint rd_kafka_conf_new();

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_conf_destroy(nint conf);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_conf_set(nint conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(Lib)]
    internal static partial nint rd_kafka_new(int type, nint conf, byte* errstr, nuint errstrSize);

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_destroy(nint rk);

    [LibraryImport(Lib)]
    internal static partial nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_mock_cluster_destroy(nint mcluster);

    [LibraryImport(Lib)]
    internal static partial nint rd_kafka_mock_cluster_bootstraps(nint mcluster);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(nint mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void rd_kafka_mock_topic_set_error(nint mcluster, string topic, int err);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_partition_set_leader(nint mcluster, string topic, int partition, int brokerId);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_partition_set_follower(nint mcluster, string topic, int partition, int brokerId);

    [LibraryImport(Lib)]
    internal static partial int rd_kafka_mock_broker_set_down(nint mcluster, int brokerId);

    [LibraryImport(Lib)]
    internal static partial int rd_kafka_mock_broker_set_up(nint mcluster, int brokerId);

    [LibraryImport(Lib)]
    internal static partial int rd_kafka_mock_broker_set_rtt(nint mcluster, int brokerId, int rttMs);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_broker_set_rack(nint mcluster, int brokerId, string rack);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_coordinator_set(nint mcluster, string keyType, string key, int brokerId);

    [LibraryImport(Lib)]
    internal static partial int rd_kafka_mock_set_apiversion(nint mcluster, short apiKey, short minVersion, short maxVersion);

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_mock_clear_request_errors(nint mcluster, short apiKey);

    [LibraryImport(Lib)]
    internal static partial void rd_kafka_mock_push_request_errors_array(nint mcluster, short apiKey, nuint count, int* errors);

    /// <summary>The variadic C function, declared for exactly one (err, rtt) pair; always pass <paramref name="count"/> = 1.</summary>
    [LibraryImport(Lib)]
    internal static partial int rd_kafka_mock_broker_push_request_error_rtts(nint mcluster, int brokerId, short apiKey, nuint count, int err, int rttMs);

    [LibraryImport(Lib)]
    internal static partial int rd_kafka_mock_broker_error_stack_cnt(nint mcluster, int brokerId, short apiKey, nuint* count);

    internal static string ErrorString(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? $"error {err}";
}
