using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>
/// Writes an Avro object container file: the header (magic <c>Obj\x01</c>, metadata with <c>avro.schema</c> and
/// <c>avro.codec</c>, a 16-byte sync marker) followed by blocks of datums, each ended by the sync marker.
/// Not thread-safe. Dispose (asynchronously) to write the last block.
/// </summary>
public sealed class AvroContainerWriter : IAsyncDisposable
{
    internal static readonly byte[] Magic = "Obj\u0001"u8.ToArray();
    private static readonly MapSchema MetadataSchema = new(AvroSchema.Bytes);

    private readonly Stream _stream;
    private readonly AvroCodec _codec;
    private readonly GenericDatumWriter _writer;
    private readonly Dictionary<string, byte[]> _metadata;
    private readonly int _blockSize;
    private readonly bool _leaveOpen;
    private readonly ArrayBufferWriter<byte> _block = new(4096);
    private long _blockCount;
    private bool _headerWritten;
    private bool _disposed;

    /// <summary>Creates a writer; nothing is written until the first block is flushed.</summary>
    /// <param name="stream">Destination.</param>
    /// <param name="schema">The schema of every datum.</param>
    /// <param name="codec">Block codec; <see cref="AvroCodec.Null"/> when null.</param>
    /// <param name="metadata">Extra user metadata (keys must not start with <c>avro.</c>).</param>
    /// <param name="blockSizeBytes">Uncompressed bytes after which a block is written (default 64 KiB).</param>
    /// <param name="syncMarker">The 16-byte sync marker; random when null.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on dispose.</param>
    public AvroContainerWriter(Stream stream, AvroSchema schema, AvroCodec? codec = null, IReadOnlyDictionary<string, byte[]>? metadata = null, int blockSizeBytes = 64 * 1024, byte[]? syncMarker = null, bool leaveOpen = false)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSizeBytes, 1);
        if (syncMarker is not null && syncMarker.Length != 16)
        {
            throw new ArgumentException("The sync marker is 16 bytes.", nameof(syncMarker));
        }

        _codec = codec ?? AvroCodec.Null;
        _writer = GenericDatumWriter.For(schema);
        _blockSize = blockSizeBytes;
        _leaveOpen = leaveOpen;
        SyncMarker = syncMarker ?? RandomNumberGenerator.GetBytes(16);
        _metadata = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (metadata is not null)
        {
            foreach (var (k, v) in metadata)
            {
                if (k.StartsWith("avro.", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Metadata key '{k}' is reserved.", nameof(metadata));
                }

                _metadata[k] = v;
            }
        }

        _metadata["avro.schema"] = Encoding.UTF8.GetBytes(schema.ToString());
        _metadata["avro.codec"] = Encoding.UTF8.GetBytes(_codec.Name);
    }

    /// <summary>The 16-byte sync marker.</summary>
    public byte[] SyncMarker { get; }

    /// <summary>Appends a datum; writes a block when the block size is reached.</summary>
    public async ValueTask AppendAsync(object? datum, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.Write(datum, _block);
        _blockCount++;
        if (_block.WrittenCount >= _blockSize)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the header (if not yet written) and any pending block, then flushes the stream.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        var output = new ArrayBufferWriter<byte>();
        if (!_headerWritten)
        {
            WriteHeader(output);
            _headerWritten = true;
        }

        if (_blockCount > 0)
        {
            var data = _codec.Compress(_block.WrittenMemory);
            var w = new AvroBinaryWriter(output);
            w.WriteLong(_blockCount);
            w.WriteLong(data.Length);
            w.WriteFixed(data);
            w.WriteFixed(SyncMarker);
            w.Flush();
            _block.ResetWrittenCount();
            _blockCount = 0;
        }

        await _stream.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the last block and releases the stream unless it was left open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await FlushAsync().ConfigureAwait(false);
        _disposed = true;
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void WriteHeader(IBufferWriter<byte> output)
    {
        var w = new AvroBinaryWriter(output);
        w.WriteFixed(Magic);
        w.Flush();
        GenericDatumWriter.For(MetadataSchema).Write(_metadata.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal), output);
        w = new AvroBinaryWriter(output);
        w.WriteFixed(SyncMarker);
        w.Flush();
    }
}
