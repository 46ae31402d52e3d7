"""SQL text compiled from the tables of ``schema``: GENERATED, do not edit.

Regenerate with ``python -m cxmatrix.store.sql`` after changing ``schema`` (a test fails until
the two agree). Opening a document runs these with plain sqlite3, so that it needs no
SQLAlchemy. TABLE_NAMES are in dependency order (a table after the tables it refers to);
COLUMNS in table order; DEFAULTED are the columns a file of an older format may lack; KEYS
the primary keys; DROP_ALL drops the tables, each after those that refer to it. LOAD reads
a table's entity columns (every column but the order column) in order, skipping rows with a
value of the wrong storage class or length; CHECK finds the first such row.
"""

# ruff: noqa: E501

TABLE_NAMES = ('stage', 'department', 'matrix', 'touchpoint', 'cell')

COLUMNS = {
    'stage': ('id', 'name', 'position'),
    'department': ('id', 'name', 'code', 'lead', 'position'),
    'matrix': (
        'id',
        'title',
        'organisation',
        'description',
        'prepared_by',
        'focus_department_id',
        'created',
        'modified',
    ),
    'touchpoint': (
        'id',
        'stage_id',
        'position',
        'name',
        'category',
        'channel',
        'description',
        'peak',
        'is_end',
        'metric',
        'notes',
    ),
    'cell': ('touchpoint_id', 'department_id', 'role', 'note'),
}

DEFAULTED = {
    'stage': (),
    'department': ('code', 'lead'),
    'matrix': (
        'title',
        'organisation',
        'description',
        'prepared_by',
        'focus_department_id',
        'created',
        'modified',
    ),
    'touchpoint': ('category', 'channel', 'description', 'peak', 'is_end', 'metric', 'notes'),
    'cell': ('role', 'note'),
}

KEYS = {
    'stage': ('id',),
    'department': ('id',),
    'matrix': ('id',),
    'touchpoint': ('id',),
    'cell': ('touchpoint_id', 'department_id'),
}

POSITION = {
    'stage': 2,
    'department': 4,
    'touchpoint': 2,
}

FOREIGN_KEYS = {
    'stage': (),
    'department': (),
    'matrix': (('focus_department_id', 'department', 'id', 'SET NULL'),),
    'touchpoint': (('stage_id', 'stage', 'id', 'CASCADE'),),
    'cell': (
        ('department_id', 'department', 'id', 'CASCADE'),
        ('touchpoint_id', 'touchpoint', 'id', 'CASCADE'),
    ),
}

MAX_ROWS = {
    'stage': 10000,
    'department': 1000,
    'matrix': 1,
    'touchpoint': 100000,
    'cell': 5000000,
}

CREATE = (
    'CREATE TABLE stage (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n)',
    "CREATE TABLE department (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tcode VARCHAR(4) DEFAULT '' NOT NULL, \n\tlead VARCHAR(10000) DEFAULT '' NOT NULL, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n)",
    "CREATE TABLE matrix (\n\tid INTEGER NOT NULL, \n\ttitle VARCHAR(10000) DEFAULT '' NOT NULL, \n\torganisation VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdescription VARCHAR(100000) DEFAULT '' NOT NULL, \n\tprepared_by VARCHAR(10000) DEFAULT '' NOT NULL, \n\tfocus_department_id INTEGER, \n\tcreated VARCHAR(10000) DEFAULT '' NOT NULL, \n\tmodified VARCHAR(10000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(focus_department_id) REFERENCES department (id) ON DELETE SET NULL\n)",
    "CREATE TABLE touchpoint (\n\tid INTEGER NOT NULL, \n\tstage_id INTEGER NOT NULL, \n\tposition INTEGER NOT NULL, \n\tname VARCHAR(10000) NOT NULL, \n\tcategory VARCHAR(10000) DEFAULT '' NOT NULL, \n\tchannel VARCHAR(10000) DEFAULT '' NOT NULL, \n\tdescription VARCHAR(100000) DEFAULT '' NOT NULL, \n\tpeak BOOLEAN DEFAULT '0' NOT NULL, \n\tis_end BOOLEAN DEFAULT '0' NOT NULL, \n\tmetric VARCHAR(100000) DEFAULT '' NOT NULL, \n\tnotes VARCHAR(100000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(stage_id) REFERENCES stage (id) ON DELETE CASCADE\n)",
    'CREATE INDEX ix_touchpoint_stage_id ON touchpoint (stage_id)',
    "CREATE TABLE cell (\n\ttouchpoint_id INTEGER NOT NULL, \n\tdepartment_id INTEGER NOT NULL, \n\trole VARCHAR(1), \n\tnote VARCHAR(100000) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (touchpoint_id, department_id), \n\tFOREIGN KEY(touchpoint_id) REFERENCES touchpoint (id) ON DELETE CASCADE, \n\tFOREIGN KEY(department_id) REFERENCES department (id) ON DELETE CASCADE\n)\n WITHOUT ROWID",
    'CREATE INDEX ix_cell_department_id ON cell (department_id)',
)

COUNT = {
    'stage': 'SELECT count(*) AS count_1 \nFROM stage',
    'department': 'SELECT count(*) AS count_1 \nFROM department',
    'matrix': 'SELECT count(*) AS count_1 \nFROM matrix',
    'touchpoint': 'SELECT count(*) AS count_1 \nFROM touchpoint',
    'cell': 'SELECT count(*) AS count_1 \nFROM cell',
}

CHECK = {
    'stage': "SELECT stage.id, CASE WHEN (length(stage.name) > 10000) THEN 'column ''name'' is longer than 10,000 characters' WHEN (stage.name IS NULL OR stage.name < '' OR stage.name >= x'') THEN 'column ''name'' holds ' || CASE WHEN (typeof(stage.name) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(stage.name) END || ' where text belongs' WHEN ((typeof(stage.position) NOT IN ('integer'))) THEN 'column ''position'' holds ' || CASE WHEN (typeof(stage.position) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(stage.position) END || ' where an integer belongs' END AS anon_1 \nFROM stage \nWHERE length(stage.name) > 10000 OR stage.name IS NULL OR stage.name < '' OR stage.name >= x'' OR (typeof(stage.position) NOT IN ('integer'))\n LIMIT 1 OFFSET 0",
    'department': "SELECT department.id, CASE WHEN (length(department.name) > 10000) THEN 'column ''name'' is longer than 10,000 characters' WHEN (department.name IS NULL OR department.name < '' OR department.name >= x'') THEN 'column ''name'' holds ' || CASE WHEN (typeof(department.name) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(department.name) END || ' where text belongs' WHEN (length(department.code) > 4) THEN 'column ''code'' is longer than 4 characters' WHEN (department.code IS NULL OR department.code < '' OR department.code >= x'') THEN 'column ''code'' holds ' || CASE WHEN (typeof(department.code) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(department.code) END || ' where text belongs' WHEN (length(department.lead) > 10000) THEN 'column ''lead'' is longer than 10,000 characters' WHEN (department.lead IS NULL OR department.lead < '' OR department.lead >= x'') THEN 'column ''lead'' holds ' || CASE WHEN (typeof(department.lead) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(department.lead) END || ' where text belongs' WHEN ((typeof(department.position) NOT IN ('integer'))) THEN 'column ''position'' holds ' || CASE WHEN (typeof(department.position) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(department.position) END || ' where an integer belongs' END AS anon_1 \nFROM department \nWHERE length(department.name) > 10000 OR department.name IS NULL OR department.name < '' OR department.name >= x'' OR length(department.code) > 4 OR department.code IS NULL OR department.code < '' OR department.code >= x'' OR length(department.lead) > 10000 OR department.lead IS NULL OR department.lead < '' OR department.lead >= x'' OR (typeof(department.position) NOT IN ('integer'))\n LIMIT 1 OFFSET 0",
    'matrix': "SELECT matrix.id, CASE WHEN (length(matrix.title) > 10000) THEN 'column ''title'' is longer than 10,000 characters' WHEN (matrix.title IS NULL OR matrix.title < '' OR matrix.title >= x'') THEN 'column ''title'' holds ' || CASE WHEN (typeof(matrix.title) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.title) END || ' where text belongs' WHEN (length(matrix.organisation) > 10000) THEN 'column ''organisation'' is longer than 10,000 characters' WHEN (matrix.organisation IS NULL OR matrix.organisation < '' OR matrix.organisation >= x'') THEN 'column ''organisation'' holds ' || CASE WHEN (typeof(matrix.organisation) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.organisation) END || ' where text belongs' WHEN (length(matrix.description) > 100000) THEN 'column ''description'' is longer than 100,000 characters' WHEN (matrix.description IS NULL OR matrix.description < '' OR matrix.description >= x'') THEN 'column ''description'' holds ' || CASE WHEN (typeof(matrix.description) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.description) END || ' where text belongs' WHEN (length(matrix.prepared_by) > 10000) THEN 'column ''prepared_by'' is longer than 10,000 characters' WHEN (matrix.prepared_by IS NULL OR matrix.prepared_by < '' OR matrix.prepared_by >= x'') THEN 'column ''prepared_by'' holds ' || CASE WHEN (typeof(matrix.prepared_by) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.prepared_by) END || ' where text belongs' WHEN ((typeof(matrix.focus_department_id) NOT IN ('integer', 'null'))) THEN 'column ''focus_department_id'' holds ' || CASE WHEN (typeof(matrix.focus_department_id) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.focus_department_id) END || ' where an integer belongs' WHEN (length(matrix.created) > 10000) THEN 'column ''created'' is longer than 10,000 characters' WHEN (matrix.created IS NULL OR matrix.created < '' OR matrix.created >= x'') THEN 'column ''created'' holds ' || CASE WHEN (typeof(matrix.created) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.created) END || ' where text belongs' WHEN (length(matrix.modified) > 10000) THEN 'column ''modified'' is longer than 10,000 characters' WHEN (matrix.modified IS NULL OR matrix.modified < '' OR matrix.modified >= x'') THEN 'column ''modified'' holds ' || CASE WHEN (typeof(matrix.modified) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(matrix.modified) END || ' where text belongs' END AS anon_1 \nFROM matrix \nWHERE length(matrix.title) > 10000 OR matrix.title IS NULL OR matrix.title < '' OR matrix.title >= x'' OR length(matrix.organisation) > 10000 OR matrix.organisation IS NULL OR matrix.organisation < '' OR matrix.organisation >= x'' OR length(matrix.description) > 100000 OR matrix.description IS NULL OR matrix.description < '' OR matrix.description >= x'' OR length(matrix.prepared_by) > 10000 OR matrix.prepared_by IS NULL OR matrix.prepared_by < '' OR matrix.prepared_by >= x'' OR (typeof(matrix.focus_department_id) NOT IN ('integer', 'null')) OR length(matrix.created) > 10000 OR matrix.created IS NULL OR matrix.created < '' OR matrix.created >= x'' OR length(matrix.modified) > 10000 OR matrix.modified IS NULL OR matrix.modified < '' OR matrix.modified >= x''\n LIMIT 1 OFFSET 0",
    'touchpoint': "SELECT touchpoint.id, CASE WHEN ((typeof(touchpoint.position) NOT IN ('integer'))) THEN 'column ''position'' holds ' || CASE WHEN (typeof(touchpoint.position) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.position) END || ' where an integer belongs' WHEN (length(touchpoint.name) > 10000) THEN 'column ''name'' is longer than 10,000 characters' WHEN (touchpoint.name IS NULL OR touchpoint.name < '' OR touchpoint.name >= x'') THEN 'column ''name'' holds ' || CASE WHEN (typeof(touchpoint.name) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.name) END || ' where text belongs' WHEN (length(touchpoint.category) > 10000) THEN 'column ''category'' is longer than 10,000 characters' WHEN (touchpoint.category IS NULL OR touchpoint.category < '' OR touchpoint.category >= x'') THEN 'column ''category'' holds ' || CASE WHEN (typeof(touchpoint.category) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.category) END || ' where text belongs' WHEN (length(touchpoint.channel) > 10000) THEN 'column ''channel'' is longer than 10,000 characters' WHEN (touchpoint.channel IS NULL OR touchpoint.channel < '' OR touchpoint.channel >= x'') THEN 'column ''channel'' holds ' || CASE WHEN (typeof(touchpoint.channel) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.channel) END || ' where text belongs' WHEN (length(touchpoint.description) > 100000) THEN 'column ''description'' is longer than 100,000 characters' WHEN (touchpoint.description IS NULL OR touchpoint.description < '' OR touchpoint.description >= x'') THEN 'column ''description'' holds ' || CASE WHEN (typeof(touchpoint.description) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.description) END || ' where text belongs' WHEN ((typeof(touchpoint.peak) NOT IN ('integer'))) THEN 'column ''peak'' holds ' || CASE WHEN (typeof(touchpoint.peak) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.peak) END || ' where an integer belongs' WHEN ((typeof(touchpoint.is_end) NOT IN ('integer'))) THEN 'column ''is_end'' holds ' || CASE WHEN (typeof(touchpoint.is_end) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.is_end) END || ' where an integer belongs' WHEN (length(touchpoint.metric) > 100000) THEN 'column ''metric'' is longer than 100,000 characters' WHEN (touchpoint.metric IS NULL OR touchpoint.metric < '' OR touchpoint.metric >= x'') THEN 'column ''metric'' holds ' || CASE WHEN (typeof(touchpoint.metric) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.metric) END || ' where text belongs' WHEN (length(touchpoint.notes) > 100000) THEN 'column ''notes'' is longer than 100,000 characters' WHEN (touchpoint.notes IS NULL OR touchpoint.notes < '' OR touchpoint.notes >= x'') THEN 'column ''notes'' holds ' || CASE WHEN (typeof(touchpoint.notes) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(touchpoint.notes) END || ' where text belongs' END AS anon_1 \nFROM touchpoint \nWHERE (typeof(touchpoint.position) NOT IN ('integer')) OR length(touchpoint.name) > 10000 OR touchpoint.name IS NULL OR touchpoint.name < '' OR touchpoint.name >= x'' OR length(touchpoint.category) > 10000 OR touchpoint.category IS NULL OR touchpoint.category < '' OR touchpoint.category >= x'' OR length(touchpoint.channel) > 10000 OR touchpoint.channel IS NULL OR touchpoint.channel < '' OR touchpoint.channel >= x'' OR length(touchpoint.description) > 100000 OR touchpoint.description IS NULL OR touchpoint.description < '' OR touchpoint.description >= x'' OR (typeof(touchpoint.peak) NOT IN ('integer')) OR (typeof(touchpoint.is_end) NOT IN ('integer')) OR length(touchpoint.metric) > 100000 OR touchpoint.metric IS NULL OR touchpoint.metric < '' OR touchpoint.metric >= x'' OR length(touchpoint.notes) > 100000 OR touchpoint.notes IS NULL OR touchpoint.notes < '' OR touchpoint.notes >= x''\n LIMIT 1 OFFSET 0",
    'cell': "SELECT cell.touchpoint_id, cell.department_id, CASE WHEN (cell.role IS NOT NULL AND length(cell.role) > 1) THEN 'column ''role'' is longer than 1 characters' WHEN (length(cell.note) > 100000) THEN 'column ''note'' is longer than 100,000 characters' WHEN (cell.note IS NULL OR cell.note < '' OR cell.note >= x'') THEN 'column ''note'' holds ' || CASE WHEN (typeof(cell.note) = 'integer') THEN 'an integer' ELSE 'a ' || typeof(cell.note) END || ' where text belongs' END AS anon_1 \nFROM cell \nWHERE cell.role IS NOT NULL AND length(cell.role) > 1 OR length(cell.note) > 100000 OR cell.note IS NULL OR cell.note < '' OR cell.note >= x''\n LIMIT 1 OFFSET 0",
}

LOAD = {
    'stage': "SELECT stage.id, stage.name \nFROM stage \nWHERE length(stage.name) <= 10000 AND stage.name >= '' AND stage.name < x'' AND typeof(stage.position) IN ('integer') ORDER BY stage.position, stage.id",
    'department': "SELECT department.id, department.name, department.code, department.lead \nFROM department \nWHERE length(department.name) <= 10000 AND department.name >= '' AND department.name < x'' AND length(department.code) <= 4 AND department.code >= '' AND department.code < x'' AND length(department.lead) <= 10000 AND department.lead >= '' AND department.lead < x'' AND typeof(department.position) IN ('integer') ORDER BY department.position, department.id",
    'matrix': "SELECT matrix.title, matrix.organisation, matrix.description, matrix.prepared_by, matrix.focus_department_id, matrix.created, matrix.modified \nFROM matrix \nWHERE matrix.id = 1 AND length(matrix.title) <= 10000 AND matrix.title >= '' AND matrix.title < x'' AND length(matrix.organisation) <= 10000 AND matrix.organisation >= '' AND matrix.organisation < x'' AND length(matrix.description) <= 100000 AND matrix.description >= '' AND matrix.description < x'' AND length(matrix.prepared_by) <= 10000 AND matrix.prepared_by >= '' AND matrix.prepared_by < x'' AND typeof(matrix.focus_department_id) IN ('integer', 'null') AND length(matrix.created) <= 10000 AND matrix.created >= '' AND matrix.created < x'' AND length(matrix.modified) <= 10000 AND matrix.modified >= '' AND matrix.modified < x''",
    'touchpoint': "SELECT touchpoint.id, touchpoint.stage_id, touchpoint.name, touchpoint.category, touchpoint.channel, touchpoint.description, touchpoint.peak, touchpoint.is_end, touchpoint.metric, touchpoint.notes \nFROM touchpoint \nWHERE typeof(touchpoint.position) IN ('integer') AND length(touchpoint.name) <= 10000 AND touchpoint.name >= '' AND touchpoint.name < x'' AND length(touchpoint.category) <= 10000 AND touchpoint.category >= '' AND touchpoint.category < x'' AND length(touchpoint.channel) <= 10000 AND touchpoint.channel >= '' AND touchpoint.channel < x'' AND length(touchpoint.description) <= 100000 AND touchpoint.description >= '' AND touchpoint.description < x'' AND typeof(touchpoint.peak) IN ('integer') AND typeof(touchpoint.is_end) IN ('integer') AND length(touchpoint.metric) <= 100000 AND touchpoint.metric >= '' AND touchpoint.metric < x'' AND length(touchpoint.notes) <= 100000 AND touchpoint.notes >= '' AND touchpoint.notes < x'' ORDER BY touchpoint.position, touchpoint.id",
    'cell': "SELECT cell.touchpoint_id, cell.department_id, cell.role, cell.note \nFROM cell \nWHERE (cell.role IS NULL OR length(cell.role) <= 1) AND length(cell.note) <= 100000 AND cell.note >= '' AND cell.note < x''",
}

INSERT = {
    'stage': 'INSERT INTO stage (id, name, position) VALUES (?, ?, ?)',
    'department': 'INSERT INTO department (id, name, code, lead, position) VALUES (?, ?, ?, ?, ?)',
    'matrix': 'INSERT INTO matrix (id, title, organisation, description, prepared_by, focus_department_id, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    'touchpoint': 'INSERT INTO touchpoint (id, stage_id, position, name, category, channel, description, peak, is_end, metric, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    'cell': 'INSERT INTO cell (touchpoint_id, department_id, role, note) VALUES (?, ?, ?, ?)',
}

DROP_ALL = (
    'DROP TABLE cell',
    'DROP TABLE touchpoint',
    'DROP TABLE matrix',
    'DROP TABLE department',
    'DROP TABLE stage',
)
