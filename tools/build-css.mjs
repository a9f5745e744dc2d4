// Builds static/css/clinic.css, the only stylesheet of the public pages, from its sources:
//   - Bootstrap 5.3.9 (static/vendor/bootstrap-5.3.9/bootstrap.min.css), keeping only the rules
//     whose classes, elements and attributes appear in what renders the pages (CONTENT below);
//   - the site's own styles (static/css/site.css), kept whole: every rule there is meant.
// Custom properties and keyframes that no kept rule uses go too; the result is minified without
// reordering anything, so the cascade is Bootstrap's then ours, as with the two files before.
//
//   node tools/build-css.mjs --crispy <crispy_bootstrap5 template dir> --django-forms <django/forms dir> [--out <file>]
//
// `make css` runs it (and `make test` runs it into a temporary file and compares), with the tool
// versions pinned in package-lock.json, so the same sources always give the same bytes.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { minify } from "csso";
import { PurgeCSS } from "purgecss";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BOOTSTRAP = "static/vendor/bootstrap-5.3.9/bootstrap.min.css";
const SITE = "static/css/site.css";
const OUTPUT = "static/css/clinic.css";

// The crispy-forms templates that `as_crispy_field` renders for the site's fields (text, e-mail,
// phone, select, radio buttons, check boxes, text areas, files), not its whole pack: the pack's
// tabs, modals and accordions would bring their CSS along. tests/test_css_build.py checks that
// every Bootstrap class any rendered page uses survives the build.
const CRISPY_TEMPLATES = [
  "field.html",
  "layout/attrs.html",
  "layout/field_errors.html",
  "layout/field_errors_block.html",
  "layout/field_file.html",
  "layout/help_text.html",
  "layout/help_text_and_errors.html",
  "layout/radio_checkbox_select.html",
];

// Django's widgets write the inputs' types (type="radio", "checkbox", "email"...), which
// Bootstrap's attribute selectors such as .form-check-input[type=radio] depend on.
const DJANGO_FORMS = ["widgets.py", "templates/django/forms/widgets/*.html"];

// Where class names, element names and attributes come from: our templates, the Python that
// writes HTML (Markdown cleaning and its allowlist of elements, source links, drawings, admin
// columns), and our scripts. Tests, the bench and the audit tool are left out: a selector named only
// there is not used by any page.
const CONTENT = ["templates/**/*.html", "static/js/**/*.js", "**/*.py"];
const IGNORE = ["node_modules/**", ".venv/**", "staticfiles/**", "tests/**", "bench/**", "tools/**", "**/migrations/**"];

const HEADER =
  "/*! clinic.css: built by `make css` from Bootstrap 5.3.9 (only the rules the site uses) and " +
  "static/css/site.css. Do not edit: change the sources, run `make css`, commit both. */\n";

async function build(crispyDir, djangoFormsDir) {
  const bootstrap = (await readFile(path.join(ROOT, BOOTSTRAP), "utf8")).replace(/\/\*# sourceMappingURL=.*?\*\//g, "");
  const site = await readFile(path.join(ROOT, SITE), "utf8");
  const files = CONTENT.map((pattern) => path.join(ROOT, pattern)).concat(
    CRISPY_TEMPLATES.map((name) => path.join(crispyDir, name)),
    DJANGO_FORMS.map((pattern) => path.join(djangoFormsDir, pattern)),
  );
  const [result] = await new PurgeCSS().purge({
    content: files,
    skippedContentGlobs: IGNORE.map((pattern) => path.join(ROOT, pattern)),
    css: [{ raw: `${bootstrap}\n/* purgecss start ignore */\n${site}\n/* purgecss end ignore */\n` }],
    variables: true,
    keyframes: true,
    fontFace: true,
  });
  const { css } = minify(result.css, { restructure: false, comments: "exclamation" });
  // @charset has to stay the very first thing in the file; our note goes right after it.
  const charset = css.match(/^@charset "[^"]*";/)?.[0] ?? "";
  return `${charset}\n${HEADER}${css.slice(charset.length)}\n`;
}

async function main() {
  const { values } = parseArgs({
    options: { crispy: { type: "string" }, "django-forms": { type: "string" }, out: { type: "string" } },
  });
  if (!values.crispy || !values["django-forms"]) {
    throw new Error("--crispy <crispy_bootstrap5/templates/bootstrap5> and --django-forms <django/forms> are required");
  }
  // A file renamed upstream fails the build loudly rather than dropping its rules.
  for (const name of CRISPY_TEMPLATES) await readFile(path.join(values.crispy, name));
  await readFile(path.join(values["django-forms"], DJANGO_FORMS[0]));
  const out = values.out ?? path.join(ROOT, OUTPUT);
  await writeFile(out, await build(values.crispy, values["django-forms"]));
}

await main();
