using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.Benchmarks.EndToEnd;

/// <summary>
/// The broker under the benchmark: a standalone Broker.Mini process, a librdkafka mock cluster in a child process,
/// or an external cluster. For local processes it reports the broker's CPU time, so CPU per record can be compared.
/// </summary>
internal sealed class BrokerHost : IAsyncDisposable
{
    private readonly Process? _process;

    private BrokerHost(string name, string bootstrap, Process? process)
    {
        Name = name;
        Bootstrap = bootstrap;
        _process = process;
    }

    public string Name { get; }
    public string Bootstrap { get; }

    /// <summary>The broker process's CPU time so far, or null for an external broker.</summary>
    public TimeSpan? CpuTime
    {
        get
        {
            if (_process is null) return null;
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<BrokerHost> StartAsync(BenchOptions o, IReadOnlyList<string> topics)
    {
        if (o.Bootstrap is { } external)
        {
            var host = new BrokerHost("external", external, null);
            await host.CreateTopicsAsync(topics, o.Partitions);
            return host;
        }
        string self = Path.Combine(AppContext.BaseDirectory, "Samsa.EndToEnd.dll");
        if (o.Broker == "mock")
        {
            var process = Start("dotnet", [self, "mock-broker", "--partitions", o.Partitions.ToString(), .. topics]);
            var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("mock broker exited");
            if (!line.StartsWith("BOOTSTRAP ", StringComparison.Ordinal)) throw new InvalidOperationException($"mock broker said: {line}");
            return new BrokerHost("librdkafka-mock", line["BOOTSTRAP ".Length..], process);
        }
        string mini = Path.Combine(AppContext.BaseDirectory, "Samsa.Broker.Mini.dll");
        if (!File.Exists(mini)) throw new FileNotFoundException("Broker.Mini is not built next to the benchmark.", mini);
        int port = FreePort();
        // The in-memory broker holds a whole run's records and drops them when the run's topic is deleted. Without these
        // GC settings its heap kept growing into fresh memory for several runs (page faults: 2-5 times the broker CPU per
        // record of a run that reuses memory); with them, each run reuses what the last one freed.
        var broker = Start("dotnet", [mini, "--brokers", "1", "--port", port.ToString()],
            new() { ["DOTNET_GCConserveMemory"] = "7", ["DOTNET_GCRetainVM"] = "1" });
        string bootstrap = $"127.0.0.1:{port}";
        await WaitForPortAsync(port);
        var mh = new BrokerHost("broker-mini", bootstrap, broker);
        await mh.CreateTopicsAsync(topics, o.Partitions);
        return mh;
    }

    private async Task CreateTopicsAsync(IReadOnlyList<string> topics, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        try
        {
            await admin.CreateTopicsAsync(topics.Select(t => new TopicSpecification { Name = t, NumPartitions = partitions, ReplicationFactor = 1 }));
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
        }
    }

    public Task CreateTopicAsync(string topic, int partitions) => CreateTopicsAsync([topic], partitions);

    public async Task DeleteTopicAsync(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        await admin.DeleteTopicsAsync([topic]);
    }

    private static Process Start(string file, IEnumerable<string> args, Dictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? []) info.Environment[name] = value;
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
