"""The extension singletons; each is bound to the app in create_app()."""
from typing import TYPE_CHECKING

from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.core.safejson import SocketJSON

# Named constraints keep Alembic migrations identical on PostgreSQL and SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        """`db.Model` as the type checker sees it: mypy takes no attribute as a base class (python/mypy#8603)."""

        __abstract__ = True
else:
    Model = db.Model  # the base of every model
migrate = Migrate()
jwt = JWTManager()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Packets are parsed with the same nesting limit as request bodies.
socketio = SocketIO(json=SocketJSON)
