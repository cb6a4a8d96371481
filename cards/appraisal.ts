/**
 * The per-handler appraisal lines (绩效考核: response time, resolution, satisfaction), shared by the
 * managers' monthly summary card, the supervisors' private copies and `/stats me`. Pure.
 */
import type { HandlerFigures } from '../src/app/reports/report-figures.ts';
import { t, type Language } from '../src/i18n/index.ts';
import { escapeMarkdown, hoursText, percent } from './digest-card.ts';

export function handlerLine(lang: Language, h: HandlerFigures, escape = true): string {
  return t(lang, 'appraisal.line', {
    name: escape ? escapeMarkdown(h.name) : h.name,
    accepted: h.accepted,
    resolved: h.resolved,
    accept: hoursText(lang, h.medianAcceptHours),
    resolve: hoursText(lang, h.medianResolveHours),
    onTime: percent(h.attainment),
    rating: h.averageRating === null ? '—' : h.averageRating.toFixed(1),
    ratings: h.ratings,
    reopened: h.reopened,
  });
}

export function handlerTable(lang: Language, handlers: HandlerFigures[], escape = true): string[] {
  return [`**${t(lang, 'appraisal.title')}**`, ...(handlers.length ? handlers.map((h) => handlerLine(lang, h, escape)) : [t(lang, 'digest.none')])];
}
