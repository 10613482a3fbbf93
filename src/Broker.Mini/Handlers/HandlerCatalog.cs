namespace Samsa.Broker.Mini.Handlers;

/// <summary>Every handler the broker registers, one per API key.</summary>
internal static class HandlerCatalog
{
    public static List<IRequestHandler> Create()
    {
        var list = new List<IRequestHandler>();
        list.Add(new ApiVersionsHandler(() => list));
        list.Add(new MetadataHandler());
        return list;
    }
}
