/**
 * The PAT page's stylesheet. Inlined in a <style> element and allowed by its
 * CSP hash; system fonts only, so nothing is fetched from elsewhere.
 */
export const PAGE_STYLE = `
:root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--fg:#1b1f24;--muted:#5b6472;--line:#d9dde3;--accent:#1f5fbf;--accent-fg:#fff;--danger:#b42318;--ok-bg:#e7f5ec;--ok-line:#9bd3ae;--warn-bg:#fff6e0;--warn-line:#e8c36a;--err:#b42318;--code:#eef1f5}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--card:#1a1f26;--fg:#e6e9ee;--muted:#9aa4b2;--line:#2f3743;--accent:#6ea8ff;--accent-fg:#0b1220;--danger:#ff8a80;--ok-bg:#13291c;--ok-line:#2e6b45;--warn-bg:#2b2310;--warn-line:#7a6322;--err:#ff8a80;--code:#0d1117}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.bar{display:flex;align-items:center;justify-content:space-between;gap:1rem;flex-wrap:wrap;padding:.75rem clamp(1rem,4vw,2rem);background:var(--card);border-bottom:1px solid var(--line)}
.brand{font-weight:700;letter-spacing:.02em}
.account{display:flex;align-items:center;gap:.75rem;min-width:0}
.account span{color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
main{max-width:60rem;margin:0 auto;padding:1.25rem clamp(.75rem,4vw,2rem) 3rem}
.crumbs{margin:0 0 .75rem;color:var(--muted);font-size:.9rem}
.crumbs ol{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;margin:0;padding:0}
.crumbs li+li::before{content:"\\2192";margin-right:.4rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:clamp(1rem,3vw,1.5rem);margin-bottom:1.25rem}
.narrow{max-width:26rem;margin:2rem auto}
h1,h2,h3{line-height:1.25;margin:0 0 .75rem}
h1{font-size:1.5rem}h2{font-size:1.25rem}h3{font-size:1.05rem}
p{margin:0 0 .75rem}
.muted,.hint{color:var(--muted)}
.hint{font-size:.875rem;margin:.25rem 0 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
.role{display:inline-block;padding:.05rem .5rem;margin:0 .3rem .2rem 0;border:1px solid var(--line);border-radius:1rem;font-size:.85rem;background:var(--code)}
label{font-weight:600}
input[type=email],input[type=password],input[type=text],textarea{display:block;width:100%;margin-top:.3rem;padding:.55rem .65rem;font:inherit;color:inherit;background:var(--card);border:1px solid var(--line);border-radius:.4rem}
textarea{font:14px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all;resize:vertical}
input[aria-invalid=true]{border-color:var(--err)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.field{margin:0 0 1rem}
fieldset{border:0;padding:0;min-width:0}
legend{font-weight:600;padding:0;margin-bottom:.35rem}
.choices{display:grid;grid-template-columns:repeat(auto-fit,minmax(10.5rem,1fr));gap:.5rem}
.choice{display:flex;flex-direction:column;gap:.1rem;padding:.55rem .7rem .55rem 2.1rem;position:relative;border:1px solid var(--line);border-radius:.4rem;font-weight:600;cursor:pointer}
.choice input{position:absolute;left:.7rem;top:.8rem;margin:0}
.choice:has(input:checked){border-color:var(--accent);box-shadow:inset 0 0 0 1px var(--accent)}
.choice .when{font-weight:400;font-size:.85rem;color:var(--muted)}
button{font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:.4rem;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer}
button.secondary{background:transparent;color:var(--fg);border-color:var(--line)}
button.danger{background:var(--danger);border-color:var(--danger);color:#fff}
button.revoke{background:transparent;color:var(--danger);border-color:var(--line);padding:.3rem .75rem}
button:disabled{opacity:.6;cursor:progress}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem;margin-top:.75rem}
.error{color:var(--err);font-size:.9rem;margin:.35rem 0 0}
.notice{padding:.7rem .9rem;border:1px solid var(--ok-line);background:var(--ok-bg);border-radius:.4rem;margin-bottom:1rem}
.notice.is-error{border-color:var(--err);background:transparent;color:var(--err)}
.once{padding:1rem;border:2px solid var(--warn-line);background:var(--warn-bg);border-radius:.5rem;margin-bottom:1.25rem}
.once .warning{font-weight:600}
.create{border-top:1px solid var(--line);padding-top:1.25rem;margin-top:1.25rem}
.empty{padding:1rem;border:1px dashed var(--line);border-radius:.5rem}
pre{margin:.5rem 0 0;padding:.75rem;background:var(--code);border-radius:.4rem;overflow-x:auto;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:.6rem .5rem;border-bottom:1px solid var(--line);vertical-align:middle}
thead th{font-size:.85rem;color:var(--muted);font-weight:600}
tbody th{font-weight:600;overflow-wrap:anywhere}
td.actions{text-align:right}
time[title]{text-decoration:underline dotted;text-underline-offset:.2em;cursor:help}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
dialog{border:1px solid var(--line);border-radius:.6rem;padding:1.25rem;max-width:min(28rem,calc(100vw - 2rem));background:var(--card);color:var(--fg)}
dialog::backdrop{background:rgba(0,0,0,.45)}
dialog h2{overflow-wrap:anywhere}
[hidden]{display:none!important}
@media (max-width:40rem){
.account span{display:none}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
table,tbody,tr,th,td{display:block}
tbody tr{border:1px solid var(--line);border-radius:.5rem;padding:.5rem .75rem;margin-bottom:.75rem}
tbody th,tbody td{border:0;padding:.2rem 0}
tbody td[data-label]{display:flex;justify-content:space-between;gap:1rem}
tbody td[data-label]::before{content:attr(data-label);color:var(--muted)}
td.actions{text-align:left;padding-top:.5rem}
}
`
  .trim()
  .replace(/\n/g, '');
