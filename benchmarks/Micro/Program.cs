using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project benchmarks/Micro -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
