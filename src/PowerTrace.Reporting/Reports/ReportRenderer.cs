using System;
using System.IO;
using System.Net;
using System.Text;

namespace PowerTrace.Reporting.Reports
{
    /// <summary>Output formats of a report.</summary>
    public enum ReportFormat
    {
        /// <summary>GitHub-flavoured Markdown.</summary>
        Markdown,
        /// <summary>A single self-describing HTML page (images referenced beside it).</summary>
        Html,
    }

    /// <summary>Renders a <see cref="ReportDocument"/> deterministically, and writes it whole.</summary>
    public static class ReportRenderer
    {
        /// <summary>The document as Markdown text (LF line ends).</summary>
        public static string ToMarkdown(ReportDocument doc)
        {
            var sb = new StringBuilder();
            sb.Append("# ").Append(doc.Title).Append('\n');
            if (!string.IsNullOrEmpty(doc.Subtitle)) sb.Append('\n').Append(doc.Subtitle).Append('\n');
            foreach (var s in doc.Sections)
            {
                sb.Append("\n## ").Append(s.Heading).Append('\n');
                foreach (var b in s.Blocks)
                {
                    sb.Append('\n');
                    switch (b)
                    {
                        case ReportParagraph p:
                            sb.Append(p.Text).Append('\n');
                            break;
                        case ReportTable t:
                            if (t.Caption != null) sb.Append('*').Append(t.Caption).Append("*\n\n");
                            sb.Append("| ").Append(string.Join(" | ", Cells(t.Headers))).Append(" |\n");
                            sb.Append('|');
                            foreach (var _ in t.Headers) sb.Append(" --- |");
                            sb.Append('\n');
                            foreach (var r in t.Rows) sb.Append("| ").Append(string.Join(" | ", Cells(r))).Append(" |\n");
                            break;
                        case ReportImage i:
                            sb.Append("![").Append(i.AltText).Append("](").Append(i.RelativePath).Append(")\n");
                            break;
                    }
                }
            }
            return sb.ToString();
        }

        /// <summary>The document as one HTML page (LF line ends, inline CSS, no scripts).</summary>
        public static string ToHtml(ReportDocument doc)
        {
            var sb = new StringBuilder();
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(doc.Title)).Append("</title>\n");
            sb.Append("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}table{border-collapse:collapse;margin:1em 0}")
              .Append("th,td{border:1px solid #bbb;padding:.25em .6em;text-align:right}th{background:#eee}td:first-child,th:first-child{text-align:left}")
              .Append("img{max-width:100%}caption{font-style:italic;text-align:left}</style>\n</head>\n<body>\n");
            sb.Append("<h1>").Append(E(doc.Title)).Append("</h1>\n");
            if (!string.IsNullOrEmpty(doc.Subtitle)) sb.Append("<p>").Append(E(doc.Subtitle!)).Append("</p>\n");
            foreach (var s in doc.Sections)
            {
                sb.Append("<h2>").Append(E(s.Heading)).Append("</h2>\n");
                foreach (var b in s.Blocks)
                {
                    switch (b)
                    {
                        case ReportParagraph p:
                            sb.Append("<p>").Append(E(p.Text)).Append("</p>\n");
                            break;
                        case ReportTable t:
                            sb.Append("<table>\n");
                            if (t.Caption != null) sb.Append("<caption>").Append(E(t.Caption)).Append("</caption>\n");
                            sb.Append("<tr>");
                            foreach (var h in t.Headers) sb.Append("<th>").Append(E(h)).Append("</th>");
                            sb.Append("</tr>\n");
                            foreach (var r in t.Rows)
                            {
                                sb.Append("<tr>");
                                foreach (var c in r) sb.Append("<td>").Append(E(c)).Append("</td>");
                                sb.Append("</tr>\n");
                            }
                            sb.Append("</table>\n");
                            break;
                        case ReportImage i:
                            sb.Append("<p><img src=\"").Append(E(i.RelativePath)).Append("\" alt=\"").Append(E(i.AltText)).Append("\"></p>\n");
                            break;
                    }
                }
            }
            sb.Append("</body>\n</html>\n");
            return sb.ToString();
        }

        /// <summary>Renders and writes the report (temporary file, then moved: never half-written).</summary>
        public static void Write(ReportDocument doc, string path, ReportFormat format)
        {
            string text = format == ReportFormat.Html ? ToHtml(doc) : ToMarkdown(doc);
            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full) ?? ".";
            Directory.CreateDirectory(dir);
            string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + ".tmp");
            try
            {
                File.WriteAllText(tmp, text, new UTF8Encoding(false));
                if (File.Exists(full)) File.Delete(full);
                File.Move(tmp, full);
            }
            finally
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
        }

        private static string E(string s) => WebUtility.HtmlEncode(s);

        private static string[] Cells(System.Collections.Generic.IReadOnlyList<string> cells)
        {
            var r = new string[cells.Count];
            for (int i = 0; i < r.Length; i++) r[i] = (cells[i] ?? "").Replace("|", "\\|").Replace("\n", " ");
            return r;
        }
    }
}
