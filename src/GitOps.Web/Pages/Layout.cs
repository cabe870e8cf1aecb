using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace GitOps.Web.Pages;

/// <summary>
/// The frame of every dashboard page: head, navigation, the page's <c>&lt;main&gt;</c>, and the script that keeps
/// <c>&lt;main&gt;</c> current without a reload (it listens on <c>/events</c> and fetches the page again when the store
/// changed). Values from outside are encoded with <see cref="E"/>.
/// </summary>
internal static class Layout
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
        header{background:#24292f;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
        header a{color:#fff;text-decoration:none}header strong{margin-right:1rem}
        main{padding:1rem;max-width:1400px}h1{font-size:1.3rem;margin:0 0 1rem}h2{font-size:1.05rem;margin:1.5rem 0 .5rem}
        .commit,.entry{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.6rem .8rem;margin:.4rem 0}
        .sha,pre,code{font-family:ui-monospace,monospace}.rejected,.failed{color:#b42318}.muted{color:#57606a}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d0d7de;padding:.4rem .6rem;text-align:left;vertical-align:top}
        .state-converged{color:#1a7f37}.state-pending{color:#9a6700}.state-failed{color:#b42318}.state-pinned{color:#8250df}
        pre{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.6rem;overflow-x:auto;font-size:.85rem;line-height:1.35}
        .add{background:#dafbe1;display:block}.del{background:#ffebe9;display:block}.hunk{color:#0969da;display:block}
        form.filter{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1rem}form.filter input{padding:.3rem}
        .live{font-size:.8rem;color:#8c959f}.who{margin-left:auto;color:#fff}header form{margin:0}
        form.action{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.8rem;max-width:28rem}
        form.action label{display:block;margin:.4rem 0}form.action input[type=text],form.action input[type=password]{width:100%;padding:.4rem;box-sizing:border-box}
        .error{color:#b42318}button.danger{background:#cf222e;color:#fff;border:0;border-radius:6px;padding:.4rem .8rem}
        @media (max-width:700px){table,thead,tbody,tr,th,td{display:block}thead{display:none}tr{margin:0 0 .8rem;border:1px solid #d0d7de}
        td{border:none;border-bottom:1px solid #eaeef2}td::before{content:attr(data-label) ": ";font-weight:600}}
        """;

    // Fetches the page again when /events says the store changed, at most one fetch at a time, and swaps <main>.
    private const string Script = """
        (function(){
          var busy=false,again=false;
          function refresh(){
            if(busy){again=true;return;}busy=true;
            fetch(location.href,{headers:{'Accept':'text/html'}}).then(function(r){return r.text();}).then(function(html){
              var next=new DOMParser().parseFromString(html,'text/html').querySelector('main');
              if(next){document.querySelector('main').innerHTML=next.innerHTML;}
            }).finally(function(){busy=false;if(again){again=false;refresh();}});
          }
          var source=new EventSource('/events');
          source.onmessage=refresh;
          source.onopen=function(){document.getElementById('live').textContent='live';};
          source.onerror=function(){document.getElementById('live').textContent='reconnecting…';};
        })();
        """;

    public static string Page(string title, string main, PageFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var html = new StringBuilder(main.Length + 4096);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
            .Append("<title>gitops: ").Append(E(title)).Append("</title><style>").Append(Style).Append("</style></head><body>")
            .Append("<header><strong>gitops</strong><a href=\"/\">Status</a><a href=\"/history\">History</a><a href=\"/metrics\">Metrics</a>")
            .Append("<span class=\"live\" id=\"live\">as of ").Append(E(frame.Now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))).Append("</span>")
            .Append(frame.User is { } user
                ? $"<form class=\"who\" method=\"post\" action=\"/signout\"><span id=\"user\">{E(user.Name)} ({E(user.Role.ToString().ToLowerInvariant())})</span> {user.FormInput}<button type=\"submit\">sign out</button></form>"
                : "<a class=\"who\" href=\"/signin\">sign in</a>")
            .Append("</header>")
            .Append("<main>").Append(main).Append("</main><script>").Append(Script).Append("</script></body></html>");
        return html.ToString();
    }

    /// <summary>HTML-encodes a value (text and attribute values alike).</summary>
    public static string E(string value) => HtmlEncoder.Default.Encode(value);

    /// <summary>A query-string value.</summary>
    public static string Q(string value) => UrlEncoder.Default.Encode(value);

    public static string Short(string? sha) => sha is null ? "" : sha.Length > 12 ? sha[..12] : sha;
}
