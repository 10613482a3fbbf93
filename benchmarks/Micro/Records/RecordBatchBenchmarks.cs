using BenchmarkDotNet.Attributes;
using Samsa.Protocol.Records;

namespace Samsa.Benchmarks.Micro.Records;

/// <summary>Encode and decode one uncompressed batch of 1,000 records (100-byte values, 8-16 byte keys).</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RecordBatchBenchmarks
{
    private const int RecordCount = 1000;
    private readonly byte[][] _keys = new byte[RecordCount][];
    private readonly byte[] _value = new byte[100];
    private RecordBatchBuilder _builder = null!;
    private RecordBatchReader _reader = null!;
    private ReadOnlyMemory<byte> _batch;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        random.NextBytes(_value);
        for (int i = 0; i < RecordCount; i++)
        {
            _keys[i] = new byte[8 + i % 9];
            random.NextBytes(_keys[i]);
        }
        _builder = new RecordBatchBuilder(initialCapacity: 256 * 1024);
        _batch = Encode().ToArray();
        _reader = new RecordBatchReader(_batch);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _builder.Dispose();
        _reader.Dispose();
    }

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public ReadOnlyMemory<byte> Encode()
    {
        _builder.Reset();
        _builder.ProducerId = 1000;
        _builder.ProducerEpoch = 1;
        _builder.BaseSequence = 0;
        long timestamp = 1_700_000_000_000;
        for (int i = 0; i < RecordCount; i++) _builder.Append(timestamp + i, _keys[i], false, _value, false);
        return _builder.Build();
    }

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public long Decode()
    {
        long sum = 0;
        _reader.Reset(_batch);
        while (_reader.MoveNextBatch())
        {
            foreach (var record in _reader.GetRecords()) sum += record.Offset + record.Key.Length + record.Value.Length;
        }
        return sum;
    }
}
