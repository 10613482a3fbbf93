using Microsoft.Extensions.Diagnostics.HealthChecks;
using Samsa.Consumer;
using Samsa.Producer;
using Samsa.Samples.WorkerService;
using Samsa.Serialization;

// A Generic Host app: a producer and a consumer worker registered through DI, options bound from appsettings.json
// with Kafka's key names, logging through ILogger, and a health check that reports whether the cluster answers.
// Stop it with Ctrl-C: the worker commits and leaves the group, the producer flushes.
var builder = Host.CreateApplicationBuilder(args);
var kafka = builder.Configuration.GetSection("Kafka");

builder.Services.AddSingleton<ISerializer<string?>>(Serializers.Utf8);
builder.Services.AddSingleton<IDeserializer<string?>>(Deserializers.Utf8);
builder.Services.AddKafkaProducer<string?, string?>(kafka.GetSection("Producer"));
builder.Services.AddKafkaConsumer<string?, string?>(kafka.GetSection("Consumer"));
builder.Services.AddKafkaConsumerWorker<EventWorker, string?, string?>();
builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka");
builder.Services.Configure<HealthCheckPublisherOptions>(o => o.Period = TimeSpan.FromSeconds(30));
builder.Services.AddSingleton<IHealthCheckPublisher, LoggingHealthPublisher>();

await builder.Build().RunAsync();
