export { listTemplates, loadTemplate, parseTemplate, sqlTemplate } from "./load-template.js";
export type { BoundTemplate, SqlTemplate } from "./load-template.js";
export { TemplateError } from "./template-error.js";
export type { TemplateErrorReason } from "./template-error.js";
export type { TemplateName, TemplateParams, TemplateValue } from "./template-params.js";
export { findCloseMatches, measureEditDistance } from "@cexdata/schema";
