import { UuidParam } from '@ordo/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Principal, Roles } from '@ordo/auth';
import { CloseCase } from '../cases/close-case.usecase';
import { CloseCaseRequest, HoldRequest } from '../cases/dto/case-action.dto';
import { PlaceHoldOnAlert } from '../cases/place-hold-on-alert.usecase';
import { ListAlertsQuery } from './dto/list-alerts.query';
import { ListAlerts } from './list-alerts.usecase';

@Controller('v1/alerts')
@Roles('fraud-analyst')
export class AlertsController {
  constructor(
    private readonly listAlerts: ListAlerts,
    private readonly placeHold: PlaceHoldOnAlert,
    private readonly closeCase: CloseCase,
  ) {}

  @Get()
  list(@Query() query: ListAlertsQuery) {
    return this.listAlerts.execute(query);
  }

  @Post(':id/hold')
  @HttpCode(201)
  hold(@Param('id', UuidParam) id: string, @Body() body: HoldRequest, @CurrentPrincipal() analyst: Principal) {
    return this.placeHold.execute(id, analyst.subject, body.reason);
  }

  @Post(':id/close')
  @HttpCode(200)
  close(@Param('id', UuidParam) id: string, @Body() body: CloseCaseRequest, @CurrentPrincipal() analyst: Principal) {
    return this.closeCase.execute(id, analyst.subject, body.resolution, body.reason);
  }
}
