// @ts-check
/**
 * A local typedoc plugin: groups the root entry's exports by the module that defines
 * them (Finance, Inventory, ...) instead of one flat list per kind. The module is read
 * from the declaration's source path (`src/<module>/...`), so a new module is grouped
 * without touching this file; an explicit `@group` tag in the TSDoc wins.
 */
import { Comment, CommentTag, Converter, ReflectionKind } from "typedoc";

const TITLES = {
  kernel: "Kernel",
  ports: "Ports",
  runner: "Runner",
  adapters: "Adapters",
  finance: "Finance",
  inventory: "Inventory",
  crm: "CRM",
  replenishment: "Replenishment",
  sales: "Sales",
  purchasing: "Purchasing",
  analytics: "Analytics",
};

/** @param {string} segment */
function titleOf(segment) {
  return TITLES[segment] ?? segment.charAt(0).toUpperCase() + segment.slice(1);
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    // Only the root entry point ("storekeep"); the other entry points are small.
    const root = project.children?.find((m) => m.name === "index") ?? project;
    for (const child of root.children ?? []) {
      if (child.kindOf(ReflectionKind.Module)) continue;
      if (child.comment?.getTag("@group")) continue;
      const file = child.sources?.[0]?.fileName ?? "";
      // typedoc reports paths relative to the common base of the sources (src/).
      const segment = file.replace(/^(?:.*\/)?src\//, "").split("/")[0]?.replace(/\.ts$/, "");
      if (!segment) continue;
      const group = segment === "storekeep" ? "Facade" : titleOf(segment);
      child.comment ??= new Comment();
      child.comment.blockTags.push(new CommentTag("@group", [{ kind: "text", text: group }]));
    }
  });
}
