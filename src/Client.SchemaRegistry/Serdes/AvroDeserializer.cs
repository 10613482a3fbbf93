using System.Collections.Concurrent;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Client;
using Samsa.Serialization;

namespace Samsa.SchemaRegistry.Serdes;

/// <summary>
/// Deserializes Confluent wire-format Avro messages: looks up the writer schema by id (cached, with references),
/// then decodes, resolving to the reader schema when one is configured. Thread-safe. Plugs into the consumer as an
/// <see cref="IAsyncDeserializer{T}"/> (<c>ConsumerBuilder.SetValueDeserializer</c>).
/// </summary>
/// <typeparam name="T">The datum type: <see cref="GenericRecord"/>, a primitive, or <see cref="object"/>.</typeparam>
public sealed class AvroDeserializer<T> : IAsyncDeserializer<T>
{
    private readonly ISchemaRegistryClient _client;
    private readonly AvroSchema? _readerSchema;
    private readonly ConcurrentDictionary<int, Task<AvroSchema>> _schemas = new();

    /// <summary>Creates a deserializer.</summary>
    public AvroDeserializer(ISchemaRegistryClient client, AvroDeserializerOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _readerSchema = options?.ReaderSchema;
    }

    /// <summary>Decodes one message value or key.</summary>
    /// <exception cref="InvalidDataException">Not in the wire format.</exception>
    /// <exception cref="AvroException">The payload is malformed or cannot be resolved.</exception>
    public async ValueTask<T> DeserializeAsync(ReadOnlyMemory<byte> data, string topic, bool isKey = false, CancellationToken cancellationToken = default)
    {
        WireFormat.ReadHeader(data.Span, out var id);
        if (!_schemas.TryGetValue(id, out var task) || task.IsFaulted || task.IsCanceled)
        {
            task = _schemas.AddOrUpdate(id, FetchAsync, (key, old) => old.IsFaulted || old.IsCanceled ? FetchAsync(key) : old);
        }

        var writer = task.IsCompletedSuccessfully ? task.Result : await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var datum = GenericDatumReader.For(writer, _readerSchema ?? writer).Read(data.Span[WireFormat.HeaderSize..]);
        return datum is T typed || (datum is null && default(T) is null)
            ? (T)datum!
            : throw new InvalidCastException($"Decoded a {datum?.GetType().Name ?? "null"}, not a {typeof(T).Name}.");
    }

    /// <summary>
    /// Decodes a record's key or value for the consumer; a null key or value (a tombstone) gives
    /// <c>default(T)</c>, as Confluent's deserializer does.
    /// </summary>
    ValueTask<T> IAsyncDeserializer<T>.DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context, CancellationToken cancellationToken)
        => isNull ? ValueTask.FromResult(default(T)!) : DeserializeAsync(data, context.Topic, context.Component == MessageComponent.Key, cancellationToken);

    private Task<AvroSchema> FetchAsync(int id) => Task.Run(async () =>
    {
        var text = await _client.GetSchemaByIdAsync(id).ConfigureAwait(false);
        return await SchemaResolverCache.ParseAsync(_client, text, CancellationToken.None).ConfigureAwait(false);
    });
}
