"""Private file storage: files here are never under MEDIA_URL; views stream them after a permission check."""

from django.core.files.storage import storages


def private_storage():
    return storages["private"]
