using System.Runtime.CompilerServices;
using System.Text;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>
/// Reads an Avro object container file block by block. Open with <see cref="OpenAsync"/>, then enumerate
/// <see cref="ReadAllAsync"/>. Datums are resolved to the reader schema when one is given.
/// </summary>
public sealed class AvroContainerReader : IAsyncDisposable
{
    private const int MaxBlockBytes = 256 * 1024 * 1024;
    private readonly Stream _stream;
    private readonly AvroCodec _codec;
    private readonly GenericDatumReader _reader;
    private readonly bool _leaveOpen;
    private readonly byte[] _sync;

    private AvroContainerReader(Stream stream, IReadOnlyDictionary<string, byte[]> metadata, AvroSchema writerSchema, AvroSchema? readerSchema, AvroCodec codec, byte[] sync, bool leaveOpen)
    {
        _stream = stream;
        Metadata = metadata;
        WriterSchema = writerSchema;
        _codec = codec;
        _sync = sync;
        _leaveOpen = leaveOpen;
        _reader = GenericDatumReader.For(writerSchema, readerSchema);
    }

    /// <summary>The header metadata (including <c>avro.schema</c> and <c>avro.codec</c>).</summary>
    public IReadOnlyDictionary<string, byte[]> Metadata { get; }

    /// <summary>The schema from the header.</summary>
    public AvroSchema WriterSchema { get; }

    /// <summary>The codec name from the header.</summary>
    public string CodecName => _codec.Name;

    /// <summary>Reads the header of a container file.</summary>
    /// <param name="stream">Source, positioned at the magic bytes.</param>
    /// <param name="readerSchema">Schema to resolve datums to; the writer schema when null.</param>
    /// <param name="codecs">Extra codecs (e.g. bzip2), or replacements for the built-in null, deflate, snappy and zstandard.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on dispose.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    public static async ValueTask<AvroContainerReader> OpenAsync(Stream stream, AvroSchema? readerSchema = null, IEnumerable<AvroCodec>? codecs = null, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var magic = new byte[4];
        await stream.ReadExactlyAsync(magic, cancellationToken).ConfigureAwait(false);
        if (!magic.AsSpan().SequenceEqual(AvroContainerWriter.Magic))
        {
            throw new AvroException("Not an Avro object container file (bad magic).");
        }

        var metadata = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (true)
        {
            var count = await ReadLongAsync(stream, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                break;
            }

            if (count < 0)
            {
                count = -count;
                await ReadLongAsync(stream, cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0L; i < count; i++)
            {
                var key = Encoding.UTF8.GetString(await ReadBytesAsync(stream, cancellationToken).ConfigureAwait(false));
                metadata[key] = await ReadBytesAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }

        var sync = new byte[16];
        await stream.ReadExactlyAsync(sync, cancellationToken).ConfigureAwait(false);
        var schemaText = metadata.TryGetValue("avro.schema", out var s) ? Encoding.UTF8.GetString(s) : throw new AvroException("Header lacks avro.schema.");
        var codecName = metadata.TryGetValue("avro.codec", out var c) ? Encoding.UTF8.GetString(c) : "null";
        var codec = codecs?.FirstOrDefault(x => x.Name == codecName) ?? AvroCodec.BuiltIn(codecName)
            ?? throw new AvroException($"Codec '{codecName}' is not available; pass it in codecs.");
        return new AvroContainerReader(stream, metadata, AvroSchema.Parse(schemaText), readerSchema, codec, sync, leaveOpen);
    }

    /// <summary>Reads every remaining datum, block by block.</summary>
    public async IAsyncEnumerable<object?> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var syncBuffer = new byte[16];
        while (true)
        {
            var first = new byte[1];
            if (await _stream.ReadAsync(first, cancellationToken).ConfigureAwait(false) == 0)
            {
                yield break;
            }

            var count = await ReadLongAsync(_stream, cancellationToken, first[0]).ConfigureAwait(false);
            var size = await ReadLongAsync(_stream, cancellationToken).ConfigureAwait(false);
            if (count < 0 || size < 0 || size > MaxBlockBytes)
            {
                throw new AvroException($"Invalid block header (count {count}, size {size}).");
            }

            var data = new byte[size];
            await _stream.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
            await _stream.ReadExactlyAsync(syncBuffer, cancellationToken).ConfigureAwait(false);
            if (!syncBuffer.AsSpan().SequenceEqual(_sync))
            {
                throw new AvroException("Sync marker mismatch: the file is corrupt.");
            }

            foreach (var datum in DecodeBlock(_codec.Decompress(data), count))
            {
                yield return datum;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _leaveOpen ? ValueTask.CompletedTask : _stream.DisposeAsync();

    private List<object?> DecodeBlock(byte[] block, long count)
    {
        var list = new List<object?>((int)Math.Min(count, block.Length + 1));
        var r = new AvroBinaryReader(block);
        for (var i = 0L; i < count; i++)
        {
            list.Add(_reader.Read(ref r));
        }

        return r.Remaining == 0 ? list : throw new AvroException($"{r.Remaining} bytes left over in a block of {count} datums.");
    }

    private static async ValueTask<byte[]> ReadBytesAsync(Stream stream, CancellationToken ct)
    {
        var len = await ReadLongAsync(stream, ct).ConfigureAwait(false);
        if (len < 0 || len > MaxBlockBytes)
        {
            throw new AvroException($"Invalid length {len} in header.");
        }

        var bytes = new byte[len];
        await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        return bytes;
    }

    private static async ValueTask<long> ReadLongAsync(Stream stream, CancellationToken ct, int firstByte = -1)
    {
        var one = new byte[1];
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            int b;
            if (firstByte >= 0)
            {
                b = firstByte;
                firstByte = -1;
            }
            else
            {
                await stream.ReadExactlyAsync(one, ct).ConfigureAwait(false);
                b = one[0];
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (long)(result >> 1) ^ -(long)(result & 1);
            }
        }

        throw new AvroException("Varint is longer than 64 bits.");
    }
}
