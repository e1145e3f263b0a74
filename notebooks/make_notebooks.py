"""Write the notebooks of this folder from the cells below, executed, with their outputs.

    python notebooks/make_notebooks.py                   # rewrite notebooks/*.ipynb, executed
    python notebooks/make_notebooks.py FOLDER --no-execute   # cells only (what the test compares)

The notebooks are stored with outputs so that GitHub and other viewers show them: each chart is
kept as plotly's interactive figure and as a PNG image beside it (viewers that do not run plotly
show the image). Edit the cells here rather than saving from Jupyter; CI executes the notebooks
again from scratch (tests/test_notebooks.py) and checks the stored cells match this file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

JULY_2024 = [
    new_markdown_cell(
        "# July 2024: GPT-4o mini against GPT-4o\n\n"
        "On 18 July 2024 OpenAI released GPT-4o mini. A week later the Arena leaderboard of 24 July "
        "rated it next to GPT-4o, at a small fraction of the price. This notebook replays that moment "
        "from the bundled catalog (prices in force that day, the Arena snapshot of that day), then "
        "asks what changed since. Every number below is computed here; nothing is typed in."
    ),
    new_code_cell(
        "import datetime as dt\n\n"
        "from IPython.display import Markdown, display\n\n"
        "import advisor\n"
        "from advisor import usd\n\n"
        "catalog = advisor.load_catalog()\n"
        "july = catalog.as_of(dt.date(2024, 7, 24))\n"
        "len(catalog), catalog.metrics()"
    ),
    new_markdown_cell(
        "## The question of the day\n\n"
        "Which model is the cheapest that is *not statistically worse* than GPT-4o on the Arena? "
        "(Not worse means its 95% interval reaches GPT-4o's: the Arena's own rule.)"
    ),
    new_code_cell(
        'rec = advisor.recommend(july, target="gpt-4o")\n'
        'cmp = advisor.compare(july, "gpt-4o-mini", "gpt-4o")\n'
        "c, r = rec.choice, rec.reference\n"
        "display(Markdown(\n"
        '    f"As of {rec.as_of}, **{c.name}** scores {c.score:g} (95% CI {c.ci_lower:g} to {c.ci_upper:g}) "\n'
        '    f"against {r.score:g} for {r.name}: a gap of {cmp.score_gap:+g} points, "\n'
        "    f\"{'significant' if cmp.significant else 'not significant'} at 95%. \"\n"
        '    f"At the usual 3:1 blend it costs {usd(c.cost.blended_usd_per_mtok)} per 1M tokens against "\n'
        '    f"{usd(r.cost.blended_usd_per_mtok)}: **1/{rec.price_ratio:.1f} of the price** "\n'
        '    f"({rec.savings_pct:.1f}% cheaper). Under Bradley-Terry it would win "\n'
        '    f"{cmp.p_a_beats_b:.1%} of head-to-head votes against GPT-4o."\n'
        "))"
    ),
    new_markdown_cell(
        "## The frontier then\n\n"
        "Score against cost for every model with a price and an Arena score that day. The step line "
        "is the Pareto frontier of point scores; ringed models are on the uncertainty-aware frontier "
        "(no cheaper model beats them beyond the confidence intervals). The band is GPT-4o's 95% CI."
    ),
    new_code_cell(
        "front = advisor.frontier(july)\n"
        "for pt in front.points:\n"
        "    o = pt.option\n"
        '    kind = "Pareto" if pt.pareto else "within the CIs"\n'
        '    print(f"{o.id:32} {usd(o.cost.blended_usd_per_mtok):>9}  {o.score:6g}  {kind}")'
    ),
    new_code_cell('advisor.plot_frontier(july, target="gpt-4o")'),
    new_markdown_cell("## Head to head\n\nExpected share of votes each model wins against each other one that day."),
    new_code_cell(
        'advisor.plot_winrates(july, models=["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet-20240620",\n'
        '                                    "gemini-1.5-pro-001", "claude-3-haiku-20240307"])'
    ),
    new_markdown_cell(
        "## The frontier now\n\n"
        "The same question on the newest Arena snapshot of the catalog. `gpt-4o` is a moving alias: "
        "on a later date it names a later snapshot of the model."
    ),
    new_code_cell(
        "history = advisor.cost_of_quality(catalog)\n"
        "latest = history.points[-1].date\n"
        "now = catalog.as_of(latest)\n"
        'rec_now = advisor.recommend(now, target="gpt-4o")\n'
        "display(Markdown(\n"
        '    f"As of {latest}, the cheapest model not statistically worse than {rec_now.reference.id} is "\n'
        '    f"**{rec_now.choice.name}** at {usd(rec_now.choice.cost.blended_usd_per_mtok, \'mtok\')}, "\n'
        '    f"1/{rec_now.price_ratio:.1f} of the price ({rec_now.qualifying} of {rec_now.considered} "\n'
        '    f"priced and scored models qualify)."\n'
        "))\n"
        'advisor.plot_frontier(now, target="gpt-4o")'
    ),
    new_markdown_cell(
        "## The cost of quality\n\n"
        "For each Arena snapshot: the cheapest model whose score reached GPT-4 (the June 2023 API "
        "snapshot, `gpt-4-0613`). The bar is GPT-4's own score *in each snapshot*, because Arena "
        "ratings drift between leaderboards; a fixed number would compare different things."
    ),
    new_code_cell(
        "for p in history.points:\n"
        '    print(f"{p.date}  bar {p.bar_score:g}  {p.model:28}  {usd(p.usd_per_mtok):>9}  "\n'
        '          f"({p.qualifying} of {p.considered} reach it)")\n'
        "first = history.points[0]\n"
        "display(Markdown(\n"
        '    f"GPT-4 itself cost {usd(first.bar_usd_per_mtok, \'mtok\')} (3:1 blend) on {first.date}. "\n'
        '    f"On {latest} its level of quality cost {usd(history.priced[-1].usd_per_mtok)}: "\n'
        '    f"**{history.fall_from_bar_pct:.1f}% less**. Between the first and last snapshots the "\n'
        '    f"cheapest qualifying price fell {history.fall_pct:.1f}%."\n'
        "))"
    ),
    new_code_cell("advisor.plot_history(catalog)"),
]

CHOOSE = [
    new_markdown_cell(
        "# Choose a model for my workload\n\n"
        "Public leaderboards answer a general question. Yours is narrower: *your* prompts, *your* "
        "traffic, *your* negotiated prices and *your* evals. This notebook layers a team's own file on "
        "top of the bundled catalog, then asks for the frontier and a recommendation on the team's "
        "metric and workload."
    ),
    new_code_cell(
        "import datetime as dt\n"
        "import tempfile\n"
        "from pathlib import Path\n\n"
        "from IPython.display import Markdown, display\n\n"
        "import advisor\n"
        "from advisor import usd\n\n"
        "DAY = dt.date(2025, 8, 4)  # the day we decide; the newest Arena snapshot of the bundled catalog\n"
        "bundled = advisor.load_catalog().as_of(DAY)\n"
        'display(Markdown(f"The bundled catalog has {len(bundled)} models as of {DAY}."))'
    ),
    new_markdown_cell(
        "## Our own layer: a negotiated price and our eval scores\n\n"
        "A catalog file may name models the catalog already knows and add to them: here a discounted "
        "price for GPT-4o mini from our contract, and the accuracy of four models on our support-ticket "
        "eval (500 tickets, 95% bootstrap intervals). The benchmark and the sources are defined in the "
        "same file, so every number says where it came from. The contract price and the eval scores "
        "below are an illustration of the format, not real measurements: put your own in their place."
    ),
    new_code_cell(
        "LAYER = '''\\\n"
        "schema_version: 1\n"
        "sources:\n"
        "  our-contract: {title: 'Enterprise agreement with OpenAI, 2025'}\n"
        "  our-evals: {title: Support-ticket eval v3 (500 tickets), retrieved: 2025-08-01}\n"
        "benchmarks:\n"
        "  support-qa:\n"
        "    name: Support QA\n"
        "    scale: '% of tickets answered correctly'\n"
        "models:\n"
        "- id: gpt-4o-mini\n"
        "  prices:\n"
        "  - {since: 2025-08-01, input: 0.12, output: 0.48, source: our-contract}\n"
        "  scores:\n"
        "  - {benchmark: support-qa, as_of: 2025-08-01, source: our-evals,\n"
        "     value: 81.2, ci_lower: 77.8, ci_upper: 84.6}\n"
        "- id: gpt-4o-2024-08-06\n"
        "  scores:\n"
        "  - {benchmark: support-qa, as_of: 2025-08-01, source: our-evals,\n"
        "     value: 86.0, ci_lower: 83.0, ci_upper: 89.0}\n"
        "- id: claude-3-5-haiku-20241022\n"
        "  scores:\n"
        "  - {benchmark: support-qa, as_of: 2025-08-01, source: our-evals,\n"
        "     value: 79.4, ci_lower: 75.9, ci_upper: 82.9}\n"
        "- id: gemini-2.0-flash-001\n"
        "  scores:\n"
        "  - {benchmark: support-qa, as_of: 2025-08-01, source: our-evals,\n"
        "     value: 83.1, ci_lower: 79.8, ci_upper: 86.4}\n"
        "'''\n"
        "folder = Path(tempfile.mkdtemp())\n"
        'layer = folder / "our-layer.yaml"\n'
        'layer.write_text(LAYER, encoding="utf-8")\n'
        "ours = advisor.load_catalog(layer).as_of(DAY)\n"
        'mini = advisor.cost(ours, ["gpt-4o-mini"]).costs[0]\n'
        'listed = advisor.cost(bundled, ["gpt-4o-mini"]).costs[0]\n'
        "display(Markdown(\n"
        '    f"GPT-4o mini now costs {usd(mini.input_rate)}/{usd(mini.output_rate)} per 1M input/output tokens "\n'
        '    f"for us, against the list price of {usd(listed.input_rate)}/{usd(listed.output_rate)}."\n'
        "))"
    ),
    new_markdown_cell(
        "## Our workload\n\n"
        "Support answers read a long prompt (ticket history and retrieved articles) and write a "
        "short reply: 2,500 input and 350 output tokens, two million requests a month, a third of the "
        "input served from the prompt cache."
    ),
    new_code_cell(
        "work = advisor.Workload(\n"
        "    input_tokens=2500, output_tokens=350, cached_share=1 / 3, requests_per_month=2_000_000\n"
        ")\n"
        'front = advisor.frontier(ours, metric="support-qa", workload=work, per="month")\n'
        "for pt in front.points:\n"
        "    o = pt.option\n"
        '    print(f"{o.id:28} {usd(o.cost.usd_per_month, \'month\'):>20}  {o.score:5.1f}% "\n'
        "          f\"(95% CI {o.ci_lower:g} to {o.ci_upper:g})  {'Pareto' if pt.pareto else 'within the CIs'}\")"
    ),
    new_markdown_cell(
        "## The recommendation\n\n"
        "We want the cheapest model not statistically worse than GPT-4o on *our* eval, within a "
        "monthly budget."
    ),
    new_code_cell(
        "BUDGET = 2000  # USD per month\n"
        'rec = advisor.recommend(ours, metric="support-qa", workload=work, per="month",\n'
        '                        target="gpt-4o-2024-08-06", budget=BUDGET)\n'
        "c, r = rec.choice, rec.reference\n"
        "display(Markdown(\n"
        '    f"**{c.name}**: {c.score:g}% on our eval (95% CI {c.ci_lower:g} to {c.ci_upper:g}) against "\n'
        '    f"{r.score:g}% for {r.name}, at {usd(c.cost.usd_per_month, \'month\')} against "\n'
        '    f"{usd(r.cost.usd_per_month)}: {rec.savings_pct:.0f}% less. {rec.qualifying} of "\n'
        '    f"{rec.considered} models we evaluated qualify."\n'
        "))"
    ),
    new_markdown_cell("Does the public leaderboard agree? The same question on the Arena, at our workload:"),
    new_code_cell(
        'arena = advisor.recommend(ours, workload=work, per="month", target="gpt-4o-2024-08-06", budget=BUDGET)\n'
        "display(Markdown(\n"
        '    f"On the Arena the choice would be **{arena.choice.name}** "\n'
        '    f"({usd(arena.choice.cost.usd_per_month, \'month\')}): "\n'
        '    + ("the same model." if arena.choice.id == c.id else "a different model: our eval decides.")\n'
        "))"
    ),
    new_code_cell(
        'advisor.plot_frontier(ours, metric="support-qa", workload=work, per="month",\n'
        '                      target="gpt-4o-2024-08-06", budget=BUDGET,\n'
        '                      title="Our support eval against our monthly cost")'
    ),
    new_markdown_cell(
        'To keep the chart, `advisor.write_figure(fig, "frontier.html")` writes a self-contained page '
        "that opens offline; `.png` and `.svg` need `pip install 'advisor[png]'`."
    ),
]

SETUP = new_code_cell(
    "# Charts are interactive in Jupyter and also stored as a PNG image, which GitHub and other\n"
    "# viewers show (they do not run plotly). The image needs kaleido: pip install 'advisor[png]'.\n"
    "import plotly.io as pio\n\n"
    'pio.renderers.default = "plotly_mimetype+png"'
)

NOTEBOOKS = {"july-2024-story.ipynb": JULY_2024, "choose-a-model.ipynb": CHOOSE}


def notebook(name: str) -> nbformat.NotebookNode:
    """One notebook, from its cells (after the set-up cell), without outputs."""
    cells = NOTEBOOKS[name]
    nb = new_notebook(cells=[cells[0], SETUP, *cells[1:]])
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{Path(name).stem}-{i}"  # stable ids: regenerating changes nothing
    nbformat.validate(nb)
    return nb


def main(folder: Path = HERE, *, execute: bool = True) -> None:
    """Write every notebook into ``folder``, executed (outputs stored, so viewers show the charts)."""
    for name in NOTEBOOKS:
        nb = notebook(name)
        if execute:
            import nbclient

            client = nbclient.NotebookClient(
                nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
            )
            client.execute()
        (folder / name).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--no-execute"]
    main(Path(args[0]) if args else HERE, execute="--no-execute" not in sys.argv[1:])
