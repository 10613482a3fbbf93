using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini.Host;

/// <summary>A minimal console logger for the standalone exe (one line per entry, serialized writes).</summary>
internal sealed class ConsoleLoggerFactory(LogLevel minimum) : ILoggerFactory
{
    private readonly Lock _write = new();

    public ILogger CreateLogger(string categoryName) => new ConsoleLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The console logger factory has a fixed sink.");

    public void Dispose()
    {
    }

    private sealed class ConsoleLogger(ConsoleLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel.ToString()[..4].ToUpperInvariant()} [{category}] {formatter(state, exception)}";
            lock (owner._write)
            {
                Console.Error.WriteLine(line);
                if (exception is not null) Console.Error.WriteLine(exception);
            }
        }
    }

    private readonly LogLevel _minimum = minimum;
}
