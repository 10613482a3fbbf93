using System.Buffers;

namespace Samsa.Protocol.Compression.Zstd;

internal static class ZstdCompressor
{
    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination, int level, bool checksum)
    {
        throw new NotImplementedException();
    }
}
