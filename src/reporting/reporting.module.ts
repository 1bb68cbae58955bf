import { Module } from '@nestjs/common';
import { ExplainChangesHandler } from './explain-changes/explain-changes.query.js';
import { ChangesHttp } from './explain-changes/explain-changes.http.js';
import { GetFiguresHandler } from './get-figures/get-figures.query.js';
import { FiguresHttp } from './get-figures/get-figures.http.js';
import { GetSeriesHandler } from './get-series/get-series.query.js';
import { SeriesHttp } from './get-series/get-series.http.js';
import { GetStatementHandler } from './get-statement/get-statement.query.js';
import { StatementHttp } from './get-statement/get-statement.http.js';
import { ReportScopes } from './report-scope.js';

/** The read side's questions: figures, statements, explained changes and series, over the figures read model. */
@Module({
  controllers: [ChangesHttp, FiguresHttp, StatementHttp, SeriesHttp],
  providers: [ReportScopes, GetFiguresHandler, GetStatementHandler, ExplainChangesHandler, GetSeriesHandler],
})
export class ReportingModule {}
