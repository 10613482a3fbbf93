namespace Samsa.Broker.Mini.Transport;

/// <summary>The live connections of one broker, so stopping the broker can close them all.</summary>
internal sealed class ConnectionSet
{
    private readonly Lock _sync = new();
    private readonly HashSet<Connection> _connections = new();

    public int Count
    {
        get { lock (_sync) return _connections.Count; }
    }

    public void Add(Connection connection)
    {
        lock (_sync) _connections.Add(connection);
    }

    public void Remove(Connection connection)
    {
        lock (_sync) _connections.Remove(connection);
    }

    /// <summary>Aborts every connection and returns their loops, to await.</summary>
    public Task[] AbortAll()
    {
        Connection[] all;
        lock (_sync) all = _connections.ToArray();
        foreach (var c in all) c.Abort();
        return all.Select(c => c.Completion).ToArray();
    }
}
