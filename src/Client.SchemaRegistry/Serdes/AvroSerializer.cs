using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Client;
using Samsa.Serialization;

namespace Samsa.SchemaRegistry.Serdes;

/// <summary>
/// Serializes values to the Confluent wire format with Avro binary payloads. <typeparamref name="T"/> is
/// <see cref="GenericRecord"/> (schema taken from the value) or any generic datum type with a schema given up front.
/// Schema ids are cached per (subject, schema). Thread-safe. Plugs into the producer as an
/// <see cref="IAsyncSerializer{T}"/> (<c>ProducerBuilder.SetValueSerializer</c>).
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class AvroSerializer<T> : IAsyncSerializer<T>
{
    private readonly ISchemaRegistryClient _client;
    private readonly AvroSchema? _schema;
    private readonly AvroSerializerOptions _options;
    private readonly ConcurrentDictionary<(string, AvroSchema), int> _ids = new();
    private readonly ConcurrentDictionary<string, Task<(int Id, AvroSchema Schema)>> _latest = new(StringComparer.Ordinal);

    /// <summary>Creates a serializer.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="schema">The schema of every value; required unless values are <see cref="GenericRecord"/>.</param>
    /// <param name="options">Options; defaults when null.</param>
    public AvroSerializer(ISchemaRegistryClient client, AvroSchema? schema = null, AvroSerializerOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? new AvroSerializerOptions();
        _options.Validate();
        _schema = schema ?? (typeof(T) == typeof(GenericRecord) ? null : PrimitiveSchemaFor(typeof(T)));
    }

    /// <summary>Encodes <paramref name="value"/> for <paramref name="topic"/>.</summary>
    /// <exception cref="AvroException">The value does not match the schema.</exception>
    /// <exception cref="SchemaRegistryException">The registry refused or failed.</exception>
    public async ValueTask<byte[]> SerializeAsync(T value, string topic, bool isKey = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var schema = _schema ?? (value as GenericRecord)?.Schema ?? throw new ArgumentNullException(nameof(value), "A null GenericRecord has no schema; pass one to the constructor.");
        var subject = WireFormat.Subject(_options.SubjectNameStrategy, topic, isKey, schema);
        int id;
        var writeSchema = schema;
        if (_options.UseLatestVersion)
        {
            (id, writeSchema) = await _latest.GetOrAdd(subject, s => LatestAsync(s)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (!_ids.TryGetValue((subject, schema), out id))
        {
            var text = new SchemaString(schema.ToString());
            id = _options.AutoRegisterSchemas
                ? await _client.RegisterSchemaAsync(subject, text, _options.NormalizeSchemas, cancellationToken).ConfigureAwait(false)
                : (await _client.LookupSchemaAsync(subject, text, _options.NormalizeSchemas, cancellationToken).ConfigureAwait(false)).Id;
            _ids.TryAdd((subject, schema), id);
        }

        return Encode(id, writeSchema, value);
    }

    /// <summary>
    /// Encodes <paramref name="value"/> for the producer: the subject comes from the context's topic and key/value
    /// component. A null value produces a null key or value (a tombstone), as Confluent's serializer does. The
    /// producer wraps failures in a <see cref="SerializationException"/>.
    /// </summary>
    async ValueTask<byte[]?> IAsyncSerializer<T>.SerializeAsync(T value, SerializationContext context, CancellationToken cancellationToken)
        => value is null ? null : await SerializeAsync(value, context.Topic, context.Component == MessageComponent.Key, cancellationToken).ConfigureAwait(false);

    internal static byte[] Encode(int id, AvroSchema schema, object? value)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var header = buffer.GetSpan(WireFormat.HeaderSize);
        header[0] = WireFormat.MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], id);
        buffer.Advance(WireFormat.HeaderSize);
        GenericDatumWriter.For(schema).Write(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private async Task<(int, AvroSchema)> LatestAsync(string subject)
    {
        try
        {
            var latest = await _client.GetLatestSchemaAsync(subject).ConfigureAwait(false);
            return (latest.Id, await SchemaResolverCache.ParseAsync(_client, latest.Schema, CancellationToken.None).ConfigureAwait(false));
        }
        catch
        {
            _latest.TryRemove(subject, out _);
            throw;
        }
    }

    internal static AvroSchema PrimitiveSchemaFor(Type t) => t switch
    {
        _ when t == typeof(string) => AvroSchema.String,
        _ when t == typeof(int) => AvroSchema.Int,
        _ when t == typeof(long) => AvroSchema.Long,
        _ when t == typeof(bool) => AvroSchema.Boolean,
        _ when t == typeof(float) => AvroSchema.Float,
        _ when t == typeof(double) => AvroSchema.Double,
        _ when t == typeof(byte[]) => AvroSchema.Bytes,
        _ => throw new ArgumentException($"No schema given and none is implied by {t.Name}; pass one to the constructor."),
    };
}

/// <summary>Parses registry schemas, fetching referenced schemas first so named references resolve.</summary>
internal static class SchemaResolverCache
{
    public static async Task<AvroSchema> ParseAsync(ISchemaRegistryClient client, SchemaString schema, CancellationToken cancellationToken, int depth = 0)
    {
        if (schema.EffectiveType != "AVRO")
        {
            throw new InvalidDataException($"Schema type {schema.EffectiveType} is not Avro.");
        }

        if (depth > 32)
        {
            throw new InvalidDataException("Schema references nest deeper than 32 levels (a cycle?).");
        }

        var named = new List<AvroSchema>();
        foreach (var reference in schema.References ?? [])
        {
            var registered = await client.GetSchemaAsync(reference.Subject, reference.Version, cancellationToken).ConfigureAwait(false);
            named.Add(await ParseAsync(client, registered.Schema, cancellationToken, depth + 1).ConfigureAwait(false));
        }

        return AvroSchema.Parse(schema.Schema, named);
    }
}
