namespace PowerTrace.Core.Traces
{
    /// <summary>
    /// A trace's place in a site: zero-based row, rack (within the site) and server (within the site).
    /// -1 means "not at this level" (a row trace has Rack = -1 and Server = -1).
    /// </summary>
    public sealed class HierarchyPosition
    {
        public HierarchyPosition(int row = -1, int rack = -1, int server = -1)
        {
            Row = row;
            Rack = rack;
            Server = server;
        }

        /// <summary>Not placed in a site (a measured trace).</summary>
        public static HierarchyPosition None { get; } = new HierarchyPosition();

        /// <summary>Zero-based row index, or -1.</summary>
        public int Row { get; }

        /// <summary>Zero-based rack index within the site, or -1.</summary>
        public int Rack { get; }

        /// <summary>Zero-based server index within the site, or -1.</summary>
        public int Server { get; }

        public override string ToString()
            => Row < 0 && Rack < 0 && Server < 0 ? "" : $"row {Row}, rack {Rack}, server {Server}";
    }
}
