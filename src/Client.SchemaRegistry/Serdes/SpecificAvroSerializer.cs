using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Avro.Specific;
using Samsa.SchemaRegistry.Client;
using Samsa.Serialization;

namespace Samsa.SchemaRegistry.Serdes;

/// <summary>
/// Serializes generated <see cref="IAvroSpecificRecord{TSelf}"/> types to the Confluent wire format with the
/// generated encoder (no reflection, no generic datums). The type's schema is registered (or looked up) once per
/// subject; subject naming and the registration options are those of <see cref="AvroSerializer{T}"/>. Thread-safe.
/// </summary>
/// <typeparam name="T">A partial class or record marked <see cref="AvroRecordAttribute"/>.</typeparam>
public sealed class SpecificAvroSerializer<T> : IAsyncSerializer<T?>
    where T : class, IAvroSpecificRecord<T>
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private readonly ISchemaRegistryClient _client;
    private readonly AvroSerializerOptions _options;
    private readonly ConcurrentDictionary<string, Task<int>> _ids = new(StringComparer.Ordinal);

    /// <summary>Creates a serializer.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="options">Options; defaults when null.</param>
    public SpecificAvroSerializer(ISchemaRegistryClient client, AvroSerializerOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? new AvroSerializerOptions();
        _options.Validate();
    }

    /// <inheritdoc />
    /// <exception cref="AvroException">The value cannot be encoded, or (with <see cref="AvroSerializerOptions.UseLatestVersion"/>) the subject's latest schema does not encode like the generated one.</exception>
    /// <exception cref="SchemaRegistryException">The registry refused or failed.</exception>
    public async ValueTask<byte[]?> SerializeAsync(T? value, SerializationContext context, CancellationToken cancellationToken = default)
    {
        if (value is null)
        {
            return null;
        }

        var subject = WireFormat.Subject(_options.SubjectNameStrategy, context.Topic, context.Component == MessageComponent.Key, T.AvroSchema);
        if (!_ids.TryGetValue(subject, out var task) || task.IsFaulted || task.IsCanceled)
        {
            task = _ids.AddOrUpdate(subject, SchemaIdAsync, (key, old) => old.IsFaulted || old.IsCanceled ? SchemaIdAsync(key) : old);
        }

        var id = task.IsCompletedSuccessfully ? task.Result : await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Encode(id, value);
    }

    internal static byte[] Encode(int id, T value)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var header = buffer.GetSpan(WireFormat.HeaderSize);
        header[0] = WireFormat.MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], id);
        buffer.Advance(WireFormat.HeaderSize);
        var writer = new AvroBinaryWriter(buffer);
        T.Write(ref writer, value);
        writer.Flush();
        var result = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1 << 20)
        {
            t_buffer = null; // do not pin a large buffer to the thread
        }

        return result;
    }

    private Task<int> SchemaIdAsync(string subject) => Task.Run(async () =>
    {
        var text = new SchemaString(T.AvroSchemaJson);
        if (_options.UseLatestVersion)
        {
            var latest = await _client.GetLatestSchemaAsync(subject).ConfigureAwait(false);
            var schema = await SchemaResolverCache.ParseAsync(_client, latest.Schema, CancellationToken.None).ConfigureAwait(false);
            return SpecificSchemaMatch.SameEncoding(schema, T.AvroSchema)
                ? latest.Id
                : throw new AvroException($"The latest schema of subject '{subject}' (id {latest.Id}) does not encode like the generated schema of {typeof(T).Name}; generated types write their own schema.");
        }

        return _options.AutoRegisterSchemas
            ? await _client.RegisterSchemaAsync(subject, text, _options.NormalizeSchemas).ConfigureAwait(false)
            : (await _client.LookupSchemaAsync(subject, text, _options.NormalizeSchemas).ConfigureAwait(false)).Id;
    });
}
