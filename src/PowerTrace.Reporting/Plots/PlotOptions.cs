namespace PowerTrace.Reporting.Plots
{
    /// <summary>Size and labels of a plot. The file type follows the path's extension (.png or .svg).</summary>
    public sealed class PlotOptions
    {
        public PlotOptions(int widthPixels = 1000, int heightPixels = 500, string? title = null)
        {
            WidthPixels = widthPixels;
            HeightPixels = heightPixels;
            Title = title;
        }

        /// <summary>Image width, pixels.</summary>
        public int WidthPixels { get; }

        /// <summary>Image height, pixels.</summary>
        public int HeightPixels { get; }

        /// <summary>Title; null for the plot kind's default.</summary>
        public string? Title { get; }
    }
}
