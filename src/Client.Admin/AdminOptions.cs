using Samsa.Client;

namespace Samsa.Admin;

/// <summary>
/// Admin client settings. Inherits every shared client setting with Kafka's names and defaults; the ones that matter
/// most for admin calls are <c>default.api.timeout.ms</c> (60000: the overall deadline of an operation, retries
/// included, never less than <c>request.timeout.ms</c>), <c>request.timeout.ms</c> (30000: one request; also sent as the broker-side <c>timeoutMs</c> of
/// CreateTopics, DeleteTopics, CreatePartitions, DeleteRecords, ElectLeaders and reassignments) and
/// <c>retry.backoff.ms</c>/<c>retry.backoff.max.ms</c> (100/1000).
/// </summary>
public sealed class AdminOptions : KafkaClientOptions
{
    /// <summary>Creates admin options; unlike producers and consumers, the admin client never auto-creates topics.</summary>
    public AdminOptions() => AllowAutoCreateTopics = false;

    /// <summary>
    /// Checks every setting once. As in Kafka, a <c>default.api.timeout.ms</c> below <c>request.timeout.ms</c> is not an
    /// error: operations then get <c>request.timeout.ms</c>.
    /// </summary>
    public override void Validate() => base.Validate();
}
