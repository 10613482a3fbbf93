using System.Runtime.InteropServices;
using System.Text;
using static Samsa.Testing.LibrdkafkaNative;

namespace Samsa.Testing;

/// <summary>
/// librdkafka's in-process mock Kafka cluster (<c>rdkafka_mock.h</c>), driven through P/Invoke. Brokers listen on
/// loopback ports chosen by the OS and have ids 1..<see cref="BrokerCount"/>. The mock supports produce, fetch,
/// metadata, list offsets, consumer groups and transactions, but not CreateTopics: create topics with
/// <see cref="CreateTopic"/> (or let clients auto-create them).
/// </summary>
/// <example>
/// <code>
/// using var cluster = new LibrdkafkaMockCluster(3);
/// cluster.CreateTopic("orders", partitions: 6, replicationFactor: 3);
/// // point any client at cluster.BootstrapServers
/// </code>
/// </example>
public sealed class LibrdkafkaMockCluster : IDisposable
{
    private readonly Lock _gate = new();
    private nint _rk;
    private nint _cluster;

    /// <summary>Starts a mock cluster with <paramref name="brokerCount"/> brokers.</summary>
    /// <param name="brokerCount">Number of brokers (ids 1..N).</param>
    /// <param name="logLevel">librdkafka syslog level for the hosting handle (default 3: errors only).</param>
    public LibrdkafkaMockCluster(int brokerCount = 3, int logLevel = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        BrokerCount = brokerCount;
        _rk = CreateHandle(logLevel);
        _cluster = rd_kafka_mock_cluster_new(_rk, brokerCount);
        if (_cluster == 0)
        {
            rd_kafka_destroy(_rk);
            _rk = 0;
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(_cluster))
            ?? throw new InvalidOperationException("rd_kafka_mock_cluster_bootstraps returned null");
    }

    /// <summary>The librdkafka version string, e.g. <c>2.0.2</c>.</summary>
    public static string LibrdkafkaVersion => Marshal.PtrToStringUTF8(rd_kafka_version_str()) ?? "?";

    /// <summary>Comma-separated <c>host:port</c> list of all brokers, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids are 1..N.</summary>
    public int BrokerCount { get; }

    /// <summary>Creates a topic (the mock has no CreateTopics API).</summary>
    public void CreateTopic(string name, int partitions = 1, int replicationFactor = 1)
        => Check(rd_kafka_mock_topic_create(Handle, name, partitions, replicationFactor), $"create topic {name}");

    /// <summary>Sets the error returned for <paramref name="topic"/> in Metadata (and AddPartitionsToTxn) responses.</summary>
    public void SetTopicError(string topic, short errorCode) => rd_kafka_mock_topic_set_error(Handle, topic, errorCode);

    /// <summary>Moves a partition's leadership; -1 makes it leaderless. Creates the topic if needed.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
        => Check(rd_kafka_mock_partition_set_leader(Handle, topic, partition, brokerId), "set partition leader");

    /// <summary>Sets a partition's preferred follower (KIP-392 fetch-from-follower).</summary>
    public void SetPartitionFollower(string topic, int partition, int brokerId)
        => Check(rd_kafka_mock_partition_set_follower(Handle, topic, partition, brokerId), "set partition follower");

    /// <summary>Disconnects a broker and refuses new connections (no leader change). -1 means all brokers.</summary>
    public void SetBrokerDown(int brokerId) => Check(rd_kafka_mock_broker_set_down(Handle, brokerId), $"set broker {brokerId} down");

    /// <summary>Makes a broker accept connections again. -1 means all brokers.</summary>
    public void SetBrokerUp(int brokerId) => Check(rd_kafka_mock_broker_set_up(Handle, brokerId), $"set broker {brokerId} up");

    /// <summary>Delays every response of a broker by <paramref name="rttMs"/>. -1 means all brokers.</summary>
    public void SetBrokerRtt(int brokerId, int rttMs) => Check(rd_kafka_mock_broker_set_rtt(Handle, brokerId, rttMs), "set broker rtt");

    /// <summary>Sets the rack a broker reports in Metadata. -1 means all brokers.</summary>
    public void SetBrokerRack(int brokerId, string rack) => Check(rd_kafka_mock_broker_set_rack(Handle, brokerId, rack), "set broker rack");

    /// <summary>Pins the coordinator for a group (<paramref name="keyType"/> "group") or transactional id ("transaction").</summary>
    public void SetCoordinator(string keyType, string key, int brokerId)
        => Check(rd_kafka_mock_coordinator_set(Handle, keyType, key, brokerId), "set coordinator");

    /// <summary>Restricts the advertised version range of an API; -1/-1 disables it.</summary>
    public void SetApiVersion(short apiKey, short minVersion, short maxVersion)
        => Check(rd_kafka_mock_set_apiversion(Handle, apiKey, minVersion, maxVersion), "set api version");

    /// <summary>
    /// Makes the next requests with <paramref name="apiKey"/> (on any broker) fail, one error code per request, in order.
    /// Error code -195 (librdkafka's <c>__TRANSPORT</c>) makes the broker drop the connection instead.
    /// </summary>
    public unsafe void PushRequestErrors(short apiKey, params short[] errorCodes)
    {
        var errors = new int[errorCodes.Length];
        for (var i = 0; i < errors.Length; i++)
        {
            errors[i] = errorCodes[i];
        }

        fixed (int* p = errors)
        {
            rd_kafka_mock_push_request_errors_array(Handle, apiKey, (nuint)errors.Length, p);
        }
    }

    /// <summary>
    /// Makes the next requests with <paramref name="apiKey"/> on one broker answer with the given error (0 for none)
    /// after the given delay, in order. Broker errors take precedence over cluster-wide ones.
    /// </summary>
    public void PushBrokerRequestErrors(int brokerId, short apiKey, params (short ErrorCode, int RttMs)[] errors)
    {
        foreach (var (code, rtt) in errors)
        {
            // One pair per call: see LibrdkafkaNative's remarks on the variadic signature.
            Check(rd_kafka_mock_broker_push_request_error_rtts(Handle, brokerId, apiKey, 1, code, rtt), "push broker request error");
        }
    }

    /// <summary>Number of errors still queued for <paramref name="apiKey"/> on a broker.</summary>
    public unsafe int GetBrokerErrorStackCount(int brokerId, short apiKey)
    {
        nuint count;
        Check(rd_kafka_mock_broker_error_stack_cnt(Handle, brokerId, apiKey, &count), "broker error stack count");
        return (int)count;
    }

    /// <summary>Clears the cluster-wide queued errors for <paramref name="apiKey"/>.</summary>
    public void ClearRequestErrors(short apiKey) => rd_kafka_mock_clear_request_errors(Handle, apiKey);

    /// <summary>Stops the brokers and frees the librdkafka handle.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != 0)
            {
                rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = 0;
            }

            if (_rk != 0)
            {
                rd_kafka_destroy(_rk);
                _rk = 0;
            }
        }
    }

    private nint Handle
    {
        get
        {
            var h = _cluster;
            ObjectDisposedException.ThrowIf(h == 0, this);
            return h;
        }
    }

    private static unsafe nint CreateHandle(int logLevel)
    {
        const int errLen = 512;
        var errstr = stackalloc byte[errLen];
        var conf = rd_kafka_conf_new();
        if (rd_kafka_conf_set(conf, "log_level", logLevel.ToString(System.Globalization.CultureInfo.InvariantCulture), errstr, errLen) != ConfOk
            || rd_kafka_conf_set(conf, "client.id", "samsa-mock-host", errstr, errLen) != ConfOk)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException("rd_kafka_conf_set: " + ReadErr(errstr, errLen));
        }

        var rk = rd_kafka_new(RdKafkaProducer, conf, errstr, errLen);
        if (rk == 0)
        {
            // On failure the conf object still belongs to the caller.
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException("rd_kafka_new: " + ReadErr(errstr, errLen));
        }

        return rk;
    }

    private static unsafe string ReadErr(byte* errstr, int length)
    {
        var span = new ReadOnlySpan<byte>(errstr, length);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    private static void Check(int err, string what)
    {
        if (err != 0)
        {
            throw new InvalidOperationException($"librdkafka mock: {what} failed: {ErrorString(err)} ({err})");
        }
    }
}
