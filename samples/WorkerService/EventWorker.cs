using Samsa.Consumer;
using Samsa.Producer;

namespace Samsa.Samples.WorkerService;

/// <summary>Reads the quick start's topic and writes one "processed" record per event to a second topic.</summary>
public sealed class EventWorker(IKafkaConsumer<string?, string?> consumer, IKafkaProducer<string?, string?> producer, IConfiguration configuration, ILogger<EventWorker> logger)
    : KafkaConsumerWorker<string?, string?>(consumer, logger)
{
    private readonly string _processedTopic = configuration["Kafka:ProcessedTopic"] ?? "quickstart-processed";

    protected override IEnumerable<string> Topics => [configuration["Kafka:Topic"] ?? "quickstart"];

    protected override async ValueTask HandleAsync(ConsumeResult<string?, string?> record, CancellationToken cancellationToken)
    {
        logger.LogInformation("Processing {Key} = {Value} from partition {Partition} offset {Offset}", record.Key, record.Value, record.Partition, record.Offset);
        await producer.ProduceAsync(_processedTopic, new Message<string?, string?> { Key = record.Key, Value = $"processed: {record.Value}" }, cancellationToken);
    }
}
