using System.Runtime.InteropServices;

namespace Samsa.Benchmarks.Micro.Native;

/// <summary>P/Invoke to the system liblz4 (Debian liblz4-1), for side-by-side benchmarks only.</summary>
internal static unsafe class NativeLz4
{
    private const string Library = "liblz4.so.1";

    [DllImport(Library, EntryPoint = "LZ4_compress_default")]
    public static extern int CompressDefault(byte* source, byte* destination, int sourceSize, int maxDestinationSize);

    [DllImport(Library, EntryPoint = "LZ4_decompress_safe")]
    public static extern int DecompressSafe(byte* source, byte* destination, int compressedSize, int maxDecompressedSize);

    [DllImport(Library, EntryPoint = "LZ4_compressBound")]
    public static extern int CompressBound(int inputSize);
}
