"""The routes, one module per area; each declares its permission (``roles.PERMISSIONS``)."""
