namespace Samsa.Streams.State.Internals;

/// <summary>
/// Kafka's <c>WrappedStateStore</c>: a layer (typed, change-logging) whose name, persistence and lifecycle are those
/// of the store it wraps. Each layer decides how it opens the inner store.
/// </summary>
internal abstract class WrappedStateStore<TInner> : IStateStore where TInner : IStateStore
{
    private protected WrappedStateStore(TInner inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The wrapped store.</summary>
    internal TInner Inner { get; }

    public string Name => Inner.Name;

    public bool Persistent => Inner.Persistent;

    public bool IsOpen => Inner.IsOpen;

    public abstract void Init(IStateStoreContext context);

    public void Flush() => Inner.Flush();

    public void Close() => Inner.Close();
}

/// <summary>
/// The change-logging layers' common part: opens the inner store under a context that names this layer as the store,
/// and remembers whether the context has logging enabled for it. Restores bypass the layer, so they are never logged.
/// </summary>
internal abstract class ChangeLoggingStore<TInner>(TInner inner) : WrappedStateStore<TInner>(inner) where TInner : IStateStore
{
    /// <summary>The context writes are logged through; set by <see cref="Init"/>.</summary>
    private protected IStateStoreContext Context { get; private set; } = null!;

    /// <summary>True when the store's changelog is enabled.</summary>
    private protected bool Logging { get; private set; }

    public override void Init(IStateStoreContext context)
    {
        var wrapped = WrappedStoreContext.For(context, this);
        Context = wrapped;
        Logging = wrapped.IsLoggingEnabled(Name);
        Inner.Init(wrapped);
    }
}
