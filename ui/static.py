"""CSS and the small script the page needs (passed to ``launch``; nothing remote)."""

CSS = """
#sources-panel { max-height: 520px; overflow-y: auto; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 10px; margin-bottom: 8px; transition: box-shadow .3s; }
.source-card.active { box-shadow: 0 0 0 3px var(--color-accent); }
.source-head { font-size: .85em; color: var(--body-text-color-subdued); margin-bottom: 4px; }
.source-head .marker { font-weight: 700; color: var(--color-accent); }
.source-text, .document-text { white-space: pre-wrap; line-height: 1.5; }
mark.quote { background: #fde68a; color: #111; padding: 0 1px; border-radius: 2px; }
.abstained { border-left: 4px solid #9ca3af; padding-left: 10px; }
.abstain-note { font-weight: 600; margin-bottom: 8px; }
.source-card.nearest { opacity: .85; border-style: dashed; }
#document-view { max-height: 420px; overflow-y: auto; }
.document-title { font-weight: 600; margin-bottom: 6px; }
.document-text .gap { color: var(--body-text-color-subdued); padding: 0 4px; }
.document-text .page-break { display: block; border-top: 1px dashed var(--border-color-primary);
  margin: 6px 0 2px; font-size: .8em; color: var(--body-text-color-subdued); }
"""

HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#src-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const marker = link.getAttribute("href").slice(5);
  const card = document.getElementById("src-" + marker);
  document.querySelectorAll(".source-card.active").forEach((el) => el.classList.remove("active"));
  if (card) {
    card.classList.add("active");
    card.scrollIntoView({ behavior: "smooth", block: "center" });
  }
  const mark = document.getElementById("doc-" + marker);
  if (mark) mark.scrollIntoView({ behavior: "smooth", block: "nearest" });
}, true);
</script>
"""
