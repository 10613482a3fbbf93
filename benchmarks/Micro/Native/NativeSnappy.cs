using System.Runtime.InteropServices;

namespace Samsa.Benchmarks.Micro.Native;

/// <summary>P/Invoke to the system libsnappy C API (Debian libsnappy1v5), for side-by-side benchmarks only.</summary>
internal static unsafe class NativeSnappy
{
    private const string Library = "libsnappy.so.1";

    [DllImport(Library, EntryPoint = "snappy_compress")]
    public static extern int Compress(byte* input, nuint inputLength, byte* compressed, nuint* compressedLength);

    [DllImport(Library, EntryPoint = "snappy_uncompress")]
    public static extern int Uncompress(byte* compressed, nuint compressedLength, byte* uncompressed, nuint* uncompressedLength);

    [DllImport(Library, EntryPoint = "snappy_max_compressed_length")]
    public static extern nuint MaxCompressedLength(nuint sourceLength);
}
