using Samsa.Broker.Mini.Cluster;
using Samsa.Broker.Mini.Configs;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Mini.Handlers;

/// <summary>DeleteTopics (20): by name (v0-5) or by name or id (v6+).</summary>
internal sealed class DeleteTopicsHandler : RequestHandler<DeleteTopicsRequest>
{
    public override ApiKey Key => ApiKey.DeleteTopics;

    protected override IKafkaApiMessage? Handle(RequestContext context, DeleteTopicsRequest request)
    {
        var cluster = context.Cluster;
        var response = new DeleteTopicsResponse();
        var wanted = context.Version >= 6
            ? request.Topics.Select(t => (t.Name, t.TopicId)).ToList()
            : request.TopicNames.Select(n => ((string?)n, Uuid.Zero)).ToList();
        lock (cluster.Sync)
        {
            bool enabled = cluster.BrokerBool(BrokerConfigs.DeleteTopicEnable);
            foreach (var (name, id) in wanted)
            {
                var result = new DeleteTopicsResponse.DeletableTopicResult { Name = name, TopicId = id };
                response.Responses.Add(result);
                TopicState? topic = null;
                if (name is not null && id != Uuid.Zero)
                {
                    result.ErrorCode = (short)ErrorCode.InvalidRequest;
                    result.ErrorMessage = "Topic name and topic id cannot both be set.";
                    continue;
                }
                bool found = name is not null ? cluster.Topics.TryGetValue(name, out topic) : cluster.TopicsById.TryGetValue(id, out topic);
                if (!found || topic is null)
                {
                    result.ErrorCode = (short)(name is null ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition);
                    result.ErrorMessage = name is null ? $"Topic id {id} not found." : "This server does not host this topic-partition.";
                    continue;
                }
                result.Name = topic.Name;
                result.TopicId = topic.Id;
                if (!enabled)
                {
                    result.ErrorCode = (short)ErrorCode.TopicDeletionDisabled;
                    result.ErrorMessage = "Topic deletion is disabled.";
                    continue;
                }
                cluster.DeleteTopic(topic);
            }
        }
        return response;
    }
}
