using Samsa.Streams.Processor;

namespace Samsa.Streams.Kstream.Internals;

/// <summary>
/// Kafka's split: one <c>KSTREAM-BRANCH-</c> processor sends each record to the first branch whose predicate
/// matches; branch <c>i</c> (from 1) is named <c>&lt;split name&gt;&lt;i&gt;</c> unless named, the default branch <c>&lt;split name&gt;0</c>.
/// </summary>
internal sealed class BranchedKStreamImpl<TKey, TValue> : IBranchedKStream<TKey, TValue>
{
    private readonly KStreamImpl<TKey, TValue> _source;
    private readonly string _splitName;
    private readonly List<(Func<TKey, TValue, bool> Predicate, string Child)> _branches = [];
    private readonly Dictionary<string, IKStream<TKey, TValue>> _result = new(StringComparer.Ordinal);
    private bool _done;

    public BranchedKStreamImpl(KStreamImpl<TKey, TValue> source, string? name)
    {
        _source = source;
        _splitName = name ?? source.Builder.NewName("KSTREAM-BRANCH-");
        var branches = _branches;
        source.Builder.Internal.AddProcessor(_splitName, [source.Name], n => Nodes.Of(n, new LambdaProcessor<TKey, TValue, TKey, TValue>((c, r) =>
        {
            foreach (var (predicate, child) in branches)
            {
                if (predicate(r.Key, r.Value))
                {
                    c.Forward(r, child);
                    return;
                }
            }
        })));
    }

    public IBranchedKStream<TKey, TValue> Branch(Func<TKey, TValue, bool> predicate, Branched<TKey, TValue>? branched = null)
    {
        AddBranch(predicate, branched, _branches.Count + 1);
        return this;
    }

    public IReadOnlyDictionary<string, IKStream<TKey, TValue>> DefaultBranch(Branched<TKey, TValue>? branched = null)
    {
        AddBranch((_, _) => true, branched, 0);
        _done = true;
        return _result;
    }

    public IReadOnlyDictionary<string, IKStream<TKey, TValue>> NoDefaultBranch()
    {
        _done = true;
        return _result;
    }

    private void AddBranch(Func<TKey, TValue, bool> predicate, Branched<TKey, TValue>? branched, int index)
    {
        if (_done)
            throw new InvalidOperationException("The split is complete: no branches can be added.");
        string child = _splitName + (branched?.Name ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _source.Builder.Internal.AddProcessor(child, [_splitName], n => Nodes.Of(n, new LambdaProcessor<TKey, TValue, TKey, TValue>((c, r) => c.Forward(r))));
        _branches.Add((predicate, child));
        IKStream<TKey, TValue> stream = new KStreamImpl<TKey, TValue>(_source.Builder, child, _source.KeySerde, _source.ValueSerde, _source.RepartitionRequired);
        var result = branched?.Chain is { } chain ? chain(stream) : stream;
        if (result is not null)
            _result[child] = result;
    }
}
