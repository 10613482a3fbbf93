using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Compression.Zstd;
using Samsa.Protocol.Records;

namespace Samsa.SchemaRegistry.Avro;

public abstract partial class AvroCodec
{
    /// <summary>The largest block a compressed codec will inflate (guards against a forged length).</summary>
    public const int MaxDecompressedBlockSize = CompressionCodecs.DefaultMaxDecompressedSize;

    /// <summary>
    /// The <c>snappy</c> codec: a raw Snappy stream followed by the big-endian CRC-32 (the zlib polynomial) of the
    /// uncompressed block, as the Avro specification defines it; the checksum is verified on read.
    /// </summary>
    public static AvroCodec Snappy { get; } = new SnappyBlockCodec();

    /// <summary>The <c>zstandard</c> codec at zstd's default level (3).</summary>
    public static AvroCodec Zstandard { get; } = new ZstandardCodec(ZstdCodec.DefaultLevel);

    /// <summary>A <c>zstandard</c> codec with the given level (negative levels are zstd's fast levels).</summary>
    public static AvroCodec CreateZstandard(int level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, ZstdCodec.MinLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, ZstdCodec.MaxLevel);
        return new ZstandardCodec(level);
    }

    /// <summary>The built-in codec named <paramref name="name"/> as written in <c>avro.codec</c>, or null.</summary>
    public static AvroCodec? BuiltIn(string name) => name switch
    {
        "null" => Null,
        "deflate" => Deflate,
        "snappy" => Snappy,
        "zstandard" => Zstandard,
        _ => null,
    };

    private sealed class SnappyBlockCodec : AvroCodec
    {
        public override string Name => "snappy";

        public override byte[] Compress(ReadOnlyMemory<byte> block)
        {
            var output = new ArrayBufferWriter<byte>(block.Length / 2 + 64);
            SnappyCodec.CompressRaw(block.Span, output);
            BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), Crc32.Compute(block.Span));
            output.Advance(4);
            return output.WrittenSpan.ToArray();
        }

        public override byte[] Decompress(ReadOnlyMemory<byte> block)
        {
            var data = block.Span;
            if (data.Length < 5) throw new AvroException($"Snappy block of {data.Length} bytes is too short for a stream and its CRC-32.");
            var output = new ArrayBufferWriter<byte>(data.Length * 2);
            try
            {
                SnappyCodec.DecompressRaw(data[..^4], output, MaxDecompressedBlockSize);
            }
            catch (KafkaCompressionException e)
            {
                throw new AvroException("Corrupt snappy block: " + e.Message, e);
            }

            uint expected = BinaryPrimitives.ReadUInt32BigEndian(data[^4..]);
            uint actual = Crc32.Compute(output.WrittenSpan);
            if (expected != actual) throw new AvroException($"Snappy block CRC-32 mismatch: stored {expected:x8}, computed {actual:x8}.");
            return output.WrittenSpan.ToArray();
        }
    }

    private sealed class ZstandardCodec(int level) : AvroCodec
    {
        public override string Name => "zstandard";

        public override byte[] Compress(ReadOnlyMemory<byte> block)
        {
            var output = new ArrayBufferWriter<byte>(block.Length / 2 + 64);
            ZstdCodec.Instance.Compress(block.Span, output, level);
            return output.WrittenSpan.ToArray();
        }

        public override byte[] Decompress(ReadOnlyMemory<byte> block)
        {
            var output = new ArrayBufferWriter<byte>(Math.Max(256, block.Length * 3));
            try
            {
                ZstdCodec.Instance.Decompress(block.Span, output, MaxDecompressedBlockSize);
            }
            catch (KafkaCompressionException e)
            {
                throw new AvroException("Corrupt zstandard block: " + e.Message, e);
            }

            return output.WrittenSpan.ToArray();
        }
    }
}
