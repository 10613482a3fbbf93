using System.IO.Compression;

namespace Samsa.SchemaRegistry.Avro;

/// <summary>
/// A block codec for object container files. <see cref="Null"/>, <see cref="Deflate"/>, <see cref="Snappy"/> and
/// <see cref="Zstandard"/> are built in (the managed codecs of Samsa.Client.Protocol); other codecs plug in through
/// <see cref="Create"/>.
/// </summary>
public abstract partial class AvroCodec
{
    /// <summary>The codec name written to <c>avro.codec</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The <c>null</c> codec: blocks are stored as is.</summary>
    public static AvroCodec Null { get; } = new NullCodec();

    /// <summary>The <c>deflate</c> codec: raw DEFLATE (RFC 1951), no zlib header or checksum.</summary>
    public static AvroCodec Deflate { get; } = new DeflateCodec(CompressionLevel.Optimal);

    /// <summary>Compresses one block.</summary>
    public abstract byte[] Compress(ReadOnlyMemory<byte> block);

    /// <summary>Decompresses one block.</summary>
    public abstract byte[] Decompress(ReadOnlyMemory<byte> block);

    /// <summary>A deflate codec with the given compression level.</summary>
    public static AvroCodec CreateDeflate(CompressionLevel level) => new DeflateCodec(level);

    /// <summary>A codec from two functions, for codecs implemented elsewhere.</summary>
    public static AvroCodec Create(string name, Func<ReadOnlyMemory<byte>, byte[]> compress, Func<ReadOnlyMemory<byte>, byte[]> decompress)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(compress);
        ArgumentNullException.ThrowIfNull(decompress);
        return new DelegateCodec(name, compress, decompress);
    }

    private sealed class NullCodec : AvroCodec
    {
        public override string Name => "null";

        public override byte[] Compress(ReadOnlyMemory<byte> block) => block.ToArray();

        public override byte[] Decompress(ReadOnlyMemory<byte> block) => block.ToArray();
    }

    private sealed class DeflateCodec(CompressionLevel level) : AvroCodec
    {
        public override string Name => "deflate";

        public override byte[] Compress(ReadOnlyMemory<byte> block)
        {
            using var output = new MemoryStream();
            using (var deflate = new DeflateStream(output, level, leaveOpen: true))
            {
                deflate.Write(block.Span);
            }

            return output.ToArray();
        }

        public override byte[] Decompress(ReadOnlyMemory<byte> block)
        {
            using var input = new MemoryStream(block.ToArray(), writable: false);
            using var deflate = new DeflateStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            try
            {
                deflate.CopyTo(output);
            }
            catch (InvalidDataException ex)
            {
                throw new AvroException("Corrupt deflate block: " + ex.Message, ex);
            }

            return output.ToArray();
        }
    }

    private sealed class DelegateCodec(string name, Func<ReadOnlyMemory<byte>, byte[]> compress, Func<ReadOnlyMemory<byte>, byte[]> decompress) : AvroCodec
    {
        public override string Name => name;

        public override byte[] Compress(ReadOnlyMemory<byte> block) => compress(block);

        public override byte[] Decompress(ReadOnlyMemory<byte> block) => decompress(block);
    }
}
