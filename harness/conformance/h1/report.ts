import { renderJson } from '../h2/report-json.js';
import { renderJunit } from '../h2/report-junit.js';
import { renderText } from '../h2/report-text.js';
import type { SuiteReport } from '../h2/run-suite.js';
import { H1_GROUP_TITLES } from './groups.js';

/** How the HTTP/1.1 suite's reports are labelled. */
export const H1_REPORT_TITLE = 'HTTP/1.1 conformance';

/** The shared renderers, with the HTTP/1.1 suite's title and group headings. */
export const renderH1Text = (report: SuiteReport): string => renderText(report, { title: H1_REPORT_TITLE, groupTitles: H1_GROUP_TITLES });
export const renderH1Junit = (report: SuiteReport): string => renderJunit(report, { title: H1_REPORT_TITLE });
/** JSON needs nothing suite-specific: {"target", "cases": [{"id", "title", "result", "expected", "actual", "ms"}]}. */
export const renderH1Json = renderJson;
