using System;
using System.Collections.Generic;

namespace PowerTrace.Reporting.Reports
{
    /// <summary>
    /// A report as plain data: a title, then sections of paragraphs, tables and images, in order.
    /// Rendered to Markdown or HTML by <see cref="ReportRenderer"/>; the same document always renders
    /// to the same bytes (no clocks, no machine names, invariant number formats chosen by the caller).
    /// </summary>
    public sealed class ReportDocument
    {
        private readonly List<ReportSection> _sections = new List<ReportSection>();

        public ReportDocument(string title, string? subtitle = null)
        {
            Title = title ?? throw new ArgumentNullException(nameof(title));
            Subtitle = subtitle;
        }

        public string Title { get; }
        public string? Subtitle { get; }
        public IReadOnlyList<ReportSection> Sections => _sections;

        /// <summary>Appends a section and returns it for filling.</summary>
        public ReportSection AddSection(string heading)
        {
            var s = new ReportSection(heading);
            _sections.Add(s);
            return s;
        }
    }

    /// <summary>One section: a heading and blocks in order.</summary>
    public sealed class ReportSection
    {
        private readonly List<ReportBlock> _blocks = new List<ReportBlock>();

        internal ReportSection(string heading) { Heading = heading; }

        public string Heading { get; }
        public IReadOnlyList<ReportBlock> Blocks => _blocks;

        public ReportSection Paragraph(string text) { _blocks.Add(new ReportParagraph(text)); return this; }

        public ReportSection Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? caption = null)
        {
            var list = new List<IReadOnlyList<string>>(rows);
            foreach (var r in list)
                if (r.Count != headers.Count) throw new ArgumentException($"Table row has {r.Count} cells; the header has {headers.Count}.");
            _blocks.Add(new ReportTable(headers, list, caption));
            return this;
        }

        public ReportSection Image(string relativePath, string altText) { _blocks.Add(new ReportImage(relativePath, altText)); return this; }
    }

    /// <summary>A block of a section.</summary>
    public abstract class ReportBlock { }

    public sealed class ReportParagraph : ReportBlock
    {
        public ReportParagraph(string text) { Text = text ?? ""; }
        public string Text { get; }
    }

    public sealed class ReportTable : ReportBlock
    {
        public ReportTable(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, string? caption)
        {
            Headers = headers; Rows = rows; Caption = caption;
        }
        public IReadOnlyList<string> Headers { get; }
        public IReadOnlyList<IReadOnlyList<string>> Rows { get; }
        public string? Caption { get; }
    }

    public sealed class ReportImage : ReportBlock
    {
        public ReportImage(string relativePath, string altText) { RelativePath = relativePath; AltText = altText; }
        /// <summary>Path relative to the report file, with forward slashes.</summary>
        public string RelativePath { get; }
        public string AltText { get; }
    }
}
