using Samsa.Broker.Mini.Coordinators;

namespace Samsa.Broker.Mini.Cluster;

internal sealed partial class ClusterState
{
    private GroupCoordinator? _groupCoordinator;

    /// <summary>
    /// The group coordinator, created on first use (after <see cref="LoadMetadata"/> has recovered the logs, so it can
    /// replay <c>__consumer_offsets</c>). Use under <see cref="Sync"/>.
    /// </summary>
    public GroupCoordinator GroupCoordinator => _groupCoordinator ??= new GroupCoordinator(this);
}
