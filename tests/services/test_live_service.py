"""LiveService on a real SQLite file: what a click or the game loop gets once a game is gone."""

import pytest

from services.catalog import QuestionCatalog
from services.editions import EditionService
from services.live import GameOver, LiveService


@pytest.fixture
def service(db, content):
    return LiveService(db, QuestionCatalog(content, db), EditionService(db, content, "2017"))


async def test_a_game_erased_while_it_ran_is_over_not_a_crash(service):
    # its server's data erased between the loop's check and the next read: a friendly "over", no AttributeError
    with pytest.raises(GameOver, match="no longer exists"):
        await service.current(404)
    with pytest.raises(GameOver, match="no longer exists"):
        await service.final(404)
