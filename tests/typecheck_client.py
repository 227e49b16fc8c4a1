"""Checked by ``mypy --strict`` (``make typecheck``), never run: the client's static types.

The bundled default is precise (sessions and reports, their pages and iterators, and its own
parameter classes only: an unused ``type: ignore`` is an error under strict, so each ignore
below claims that line is refused). A client of another package, ``models=`` or
``api_version=``, is typed ``Any``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from typing_extensions import assert_type

    from stripe_models.identity import VerificationReport, VerificationSession
    from stripe_models.params.identity import (
        VerificationReportListParams,
        VerificationSessionCreateParams,
        VerificationSessionListParams,
    )
    from stripe_schemas.client import AsyncClient, Client, Page, RequestOptions

    def bundled() -> None:
        options = RequestOptions(stripe_account="acct_1", timeout=5.0, max_retries=0)
        with Client(options=options) as stripe:
            session = stripe.verification_sessions.create(
                VerificationSessionCreateParams(type="document"), options=options
            )
            assert_type(session, VerificationSession)
            assert_type(stripe.verification_sessions.list(), Page[VerificationSession])
            listed = stripe.verification_sessions.list_auto_paging({"limit": 3})
            assert_type(listed, Iterator[VerificationSession])
            report = stripe.verification_reports.retrieve("vr_1", options=options)
            assert_type(report, VerificationReport)
            page = stripe.verification_reports.list(VerificationReportListParams(limit=1))
            assert_type(page, Page[VerificationReport])
            walked = stripe.verification_reports.list_auto_paging()
            assert_type(walked, Iterator[VerificationReport])
            stripe.verification_sessions.create(VerificationSessionListParams())  # type: ignore[arg-type]
            stripe.verification_reports.list(VerificationSessionListParams())  # type: ignore[arg-type]
            stripe.verification_sessions.retrieve("vs_1", options={"timeout": 1})  # type: ignore[arg-type]

    async def bundled_async() -> None:
        async with AsyncClient() as stripe:
            session = await stripe.verification_sessions.retrieve("vs_1")
            assert_type(session, VerificationSession)
            report = await stripe.verification_reports.retrieve("vr_1")
            assert_type(report, VerificationReport)
            walked = stripe.verification_reports.list_auto_paging()
            assert_type(walked, AsyncIterator[VerificationReport])

    def other_packages(package: Any) -> None:
        import stripe_models_2023_08_16

        bound = Client(models=stripe_models_2023_08_16)
        assert_type(bound.verification_sessions.list(), Page[Any])
        mine = Client(models=package)
        assert_type(mine.verification_sessions.retrieve("vs_1"), Any)
        assert_type(mine.verification_reports.retrieve("vr_1"), Any)
        mine.verification_sessions.create(object())  # another package's class: accepted
        older = Client(api_version="2023-08-16")
        assert_type(older.verification_sessions.retrieve("vs_1"), Any)
