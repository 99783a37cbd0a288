using System;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Where servers sit: rows of racks of servers. Servers are numbered row by row, rack by rack:
    /// server s is in rack s / ServersPerRack and row s / (ServersPerRack · RacksPerRow). Racks are
    /// numbered across the whole site. A plain server count is one row holding one rack of all servers.
    /// </summary>
    public sealed class SiteLayout
    {
        public SiteLayout(int serversPerRack, int racksPerRow, int rows)
        {
            ServersPerRack = serversPerRack;
            RacksPerRow = racksPerRow;
            Rows = rows;
        }

        /// <summary>A site of <paramref name="servers"/> servers in one rack in one row.</summary>
        public static SiteLayout Flat(int servers) => new SiteLayout(servers, 1, 1);

        /// <summary>Servers in each rack.</summary>
        public int ServersPerRack { get; }
        /// <summary>Racks in each row.</summary>
        public int RacksPerRow { get; }
        /// <summary>Rows in the site.</summary>
        public int Rows { get; }

        /// <summary>Racks in the site.</summary>
        public int RackCount => RacksPerRow * Rows;

        /// <summary>Servers in the site.</summary>
        public int ServerCount => ServersPerRack * RacksPerRow * Rows;

        /// <summary>Site-wide rack of server <paramref name="server"/>.</summary>
        public int RackOf(int server) => server / ServersPerRack;

        /// <summary>Row of server <paramref name="server"/>.</summary>
        public int RowOf(int server) => server / (ServersPerRack * RacksPerRow);

        internal void Validate()
        {
            if (ServersPerRack <= 0 || RacksPerRow <= 0 || Rows <= 0)
                throw new Errors.InvalidSettingException("NoServers", "Servers",
                    $"The site layout has no servers ({ServersPerRack} per rack x {RacksPerRow} racks per row x {Rows} rows).");
            if ((long)ServersPerRack * RacksPerRow * Rows > int.MaxValue / 2)
                throw new Errors.InvalidSettingException("TooManyServers", "Servers", "The site layout has more servers than one synthesis can index.");
        }

        public override string ToString() => $"{Rows} rows x {RacksPerRow} racks x {ServersPerRack} servers = {ServerCount}";
    }
}
