// Chinese names in Fava's own pages (docs/fava.md, "Fava in Chinese").
//
// Beancount account names are ASCII codes; the ledger gives each its Chinese name in the
// `name` metadata of its `open` directive. This module, loaded by Fava on every page, fetches
// those names once (the extension's `labels` endpoint) and
//   - marks every link to an account page with its Chinese name (a data attribute the style
//     below shows after the link, and the link's tooltip);
//   - names the custom directives of the journal in Chinese (项目公示, 项目验收, 疑点处置 …)
//     and the project, place or asset behind the code they carry;
//   - writes the month names of Fava's chart axes as 1月 … 12月;
//   - words in Chinese what Fava's own frontend writes in English when a request is refused or
//     fails (the entry popup's "Loading 上下文 failed with error: HTTP 403"): the reason the
//     server gives (fundtrail's refusals answer Fava's API calls with a Chinese `error`), else
//     what the status means; and its "Loading entry context..." lines.
// Everything is set as text or as an attribute, never as markup.

const MONTHS = [
  ["January", "Jan"], ["February", "Feb"], ["March", "Mar"], ["April", "Apr"], ["May", "May"],
  ["June", "Jun"], ["July", "Jul"], ["August", "Aug"], ["September", "Sep"],
  ["October", "Oct"], ["November", "Nov"], ["December", "Dec"],
];
const MONTH = new Map(MONTHS.flatMap(([long, short], i) => [[long, `${i + 1}月`], [short, `${i + 1}月`]]));

const STYLE = `
a[data-ft-name]::after { content: " " attr(data-ft-name); color: var(--text-color-lighter, #888);
  font-size: .9em; }
.ft-tree a[data-ft-name]::after, .ft-tabs a[data-ft-name]::after, table.ft a[data-ft-name]::after,
.droptarget a[data-ft-name]::after { content: none; }
.droptarget a[data-ft-name]:last-of-type::after { content: " " attr(data-ft-name); color: inherit;
  font-weight: normal; }
`;

// Fava's frontend: `<h2>Loading {title} failed with error:</h2><pre>HTTP 403 - reason</pre>`
const FAILED = /^Loading (.*) failed with error:$/;
const HTTP = /^HTTP (\d+)(?: - ([\s\S]*))?$/;
const STATUS = {
  401: "请先登录", 403: "当前角色无权查看此内容", 404: "未找到该内容",
  500: "服务器出错，请稍后再试或联系管理员", 503: "服务暂时不可用，请稍后再试",
};
const LOADING = new Map([
  ["Loading entry context...", "正在加载分录上下文……"],
  ["Loading entry slice...", "正在加载分录源文本……"],
]);

let labels = null;
let scheduled = false;

function accountOf(link) {
  const path = decodeURIComponent(new URL(link.href, window.location.href).pathname);
  const match = /\/account\/([^/]+)\/?$/.exec(path);
  return match ? match[1] : null;
}

// A link that shows the account (its name, or its last components), not one to a view of it.
function showsAccount(link, account) {
  const text = link.textContent.trim().replace(/^:/, "");
  return text !== "" && (account === text || account.endsWith(`:${text}`));
}

function nameAccounts(root) {
  for (const link of root.querySelectorAll('a[href*="/account/"]:not([data-ft-name])')) {
    const account = accountOf(link);
    const name = account && showsAccount(link, account) && labels.accounts[account];
    if (name) {
      link.dataset.ftName = name;
      link.title = `${account} ${name}`;
    }
  }
}

function nameCustoms(root) {
  for (const item of root.querySelectorAll("li.custom:not([data-ft-done]) .description")) {
    item.closest("li").dataset.ftDone = "1";
    const strong = item.querySelector("strong");
    const type = strong ? strong.textContent.trim() : "";
    if (strong && labels.customs[type]) {
      strong.textContent = labels.customs[type];
      strong.title = type;
    }
    for (const node of item.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      node.textContent = node.textContent.replace(/"([^"]*)"/g, (quoted, value) => {
        if (labels.values[value]) return labels.values[value];
        if (labels.codes[value]) return `${quoted}（${labels.codes[value]}）`;
        return quoted;
      });
    }
  }
}

function nameMonths(root) {
  for (const text of root.querySelectorAll("svg text")) {
    const month = MONTH.get(text.textContent.trim());
    if (month) text.textContent = month;
  }
}

function nameFailures(root) {
  for (const heading of root.querySelectorAll("h2:not([data-ft-done])")) {
    const failed = FAILED.exec(heading.textContent.trim());
    if (!failed) continue;
    heading.dataset.ftDone = "1";
    heading.textContent = `${failed[1]}未能加载：`;
    const detail = heading.nextElementSibling;
    const http = detail && detail.tagName === "PRE" ? HTTP.exec(detail.textContent.trim()) : null;
    if (http) detail.textContent = http[2] || STATUS[http[1]] || `请求未成功（HTTP ${http[1]}）`;
  }
  for (const line of root.querySelectorAll("p:not([data-ft-done])")) {
    const shown = LOADING.get(line.textContent.trim());
    if (shown) {
      line.dataset.ftDone = "1";
      line.textContent = shown;
    }
  }
}

function annotate() {
  scheduled = false;
  if (!labels) return;
  nameAccounts(document);
  nameCustoms(document);
  nameMonths(document);
  nameFailures(document);
}

function schedule() {
  if (!scheduled) {
    scheduled = true;
    window.requestAnimationFrame(annotate);
  }
}

export default {
  async init(ctx) {
    const style = document.createElement("style");
    style.textContent = STYLE;
    document.head.append(style);
    try {
      labels = await ctx.api.get("labels");
    } catch (error) {
      labels = null; // the books could not be summarised: Fava's pages stay as they are
      return;
    }
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
    schedule();
  },
  onPageLoad() {
    schedule();
  },
};
