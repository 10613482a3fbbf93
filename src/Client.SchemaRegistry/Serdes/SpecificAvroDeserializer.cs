using System.Collections.Concurrent;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Avro.Specific;
using Samsa.SchemaRegistry.Client;
using Samsa.Serialization;

namespace Samsa.SchemaRegistry.Serdes;

/// <summary>
/// Deserializes Confluent wire-format Avro messages into generated <see cref="IAvroSpecificRecord{TSelf}"/> types.
/// The writer schema is fetched once per id; when it encodes like the generated schema the generated decoder reads
/// the payload directly, otherwise the payload is resolved to the generated schema (Avro schema resolution: added
/// fields take defaults, removed fields are skipped, promotions apply) and converted. Thread-safe.
/// </summary>
/// <typeparam name="T">A partial class or record marked <see cref="AvroRecordAttribute"/>.</typeparam>
public sealed class SpecificAvroDeserializer<T> : IAsyncDeserializer<T?>
    where T : class, IAvroSpecificRecord<T>
{
    private readonly ISchemaRegistryClient _client;
    private readonly ConcurrentDictionary<int, Task<AvroSchema>> _schemas = new();

    /// <summary>Creates a deserializer.</summary>
    public SpecificAvroDeserializer(ISchemaRegistryClient client)
        => _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">Not in the wire format.</exception>
    /// <exception cref="AvroException">The payload is malformed or cannot be resolved.</exception>
    public async ValueTask<T?> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context, CancellationToken cancellationToken = default)
    {
        if (isNull)
        {
            return null;
        }

        WireFormat.ReadHeader(data.Span, out var id);
        if (!_schemas.TryGetValue(id, out var task) || task.IsFaulted || task.IsCanceled)
        {
            task = _schemas.AddOrUpdate(id, FetchAsync, (key, old) => old.IsFaulted || old.IsCanceled ? FetchAsync(key) : old);
        }

        var writer = task.IsCompletedSuccessfully ? task.Result : await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return AvroSpecific.Deserialize<T>(data.Span[WireFormat.HeaderSize..], writer);
    }

    private Task<AvroSchema> FetchAsync(int id) => Task.Run(async () =>
    {
        var text = await _client.GetSchemaByIdAsync(id).ConfigureAwait(false);
        return await SchemaResolverCache.ParseAsync(_client, text, CancellationToken.None).ConfigureAwait(false);
    });
}
