namespace Samsa.Broker.Mini.Handlers;

/// <summary>Every handler the broker registers, one per API key.</summary>
internal static class HandlerCatalog
{
    public static List<IRequestHandler> Create()
    {
        var list = new List<IRequestHandler>();
        list.Add(new ApiVersionsHandler(() => list));
        list.Add(new MetadataHandler());
        list.Add(new ProduceHandler());
        list.Add(new FetchHandler());
        list.Add(new ListOffsetsHandler());
        list.Add(new CreateTopicsHandler());
        list.Add(new DeleteTopicsHandler());
        list.Add(new CreatePartitionsHandler());
        list.Add(new InitProducerIdHandler());
        list.Add(new FindCoordinatorHandler());
        list.Add(new OffsetForLeaderEpochHandler());
        list.Add(new DescribeConfigsHandler());
        list.Add(new AlterConfigsHandler());
        list.Add(new IncrementalAlterConfigsHandler());
        list.Add(new DeleteRecordsHandler());
        list.Add(new DescribeClusterHandler());
        list.Add(new ElectLeadersHandler());
        list.Add(new DescribeLogDirsHandler());
        // Group coordinator.
        list.Add(new JoinGroupHandler());
        list.Add(new SyncGroupHandler());
        list.Add(new HeartbeatHandler());
        list.Add(new LeaveGroupHandler());
        list.Add(new OffsetCommitHandler());
        list.Add(new OffsetFetchHandler());
        list.Add(new OffsetDeleteHandler());
        list.Add(new ListGroupsHandler());
        list.Add(new DescribeGroupsHandler());
        list.Add(new DeleteGroupsHandler());
        list.Add(new ConsumerGroupHeartbeatHandler());
        list.Add(new ConsumerGroupDescribeHandler());
        // Transaction coordinator.
        list.Add(new AddPartitionsToTxnHandler());
        list.Add(new AddOffsetsToTxnHandler());
        list.Add(new EndTxnHandler());
        list.Add(new TxnOffsetCommitHandler());
        list.Add(new DescribeProducersHandler());
        list.Add(new DescribeTransactionsHandler());
        list.Add(new ListTransactionsHandler());
        return list;
    }
}
