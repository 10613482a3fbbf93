using BenchmarkDotNet.Running;
using Samsa.Benchmarks.Micro.Compression;

// Run with: dotnet run -c Release --project benchmarks/Micro -- --filter '*'
// Paired zstd decompression (managed and native alternating in one process): -- zstd-paired [seconds-per-case] [case-name filter]
if (args.Length > 0 && args[0] == "zstd-paired")
{
    ZstdPairedHarness.Run(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
