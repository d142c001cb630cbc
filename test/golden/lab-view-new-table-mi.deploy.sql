CREATE TABLE [wwi_ml].[PredictModels]
(
    [ID]             [nvarchar](1024) NOT NULL,
    [name]           [nvarchar](1024) NOT NULL,
    [description]    [nvarchar](1024) NULL,
    [version]        [int] NULL,
    [created_time]   [datetime2](7) NULL,
    [created_by]     [nvarchar](128) NULL,
    [framework]      [nvarchar](64) NULL,
    [model]          [varbinary](max) NULL,
    [inputs_schema]  [nvarchar](max) NULL,
    [outputs_schema] [nvarchar](max) NULL
)
GO

-- @id nvarchar(4000) = "aml-synapse-classifier:1"
DELETE FROM [wwi_ml].[PredictModels] WHERE [ID] = @id;

-- @id nvarchar(4000) = "aml-synapse-classifier:1"
-- @name nvarchar(4000) = "aml-synapse-classifier"
-- @description nvarchar(4000) = "AutoML classifier of customer ratings"
-- @version int = 1
-- @created_time datetime2(7) = 2024-05-01T12:00:00.000Z
-- @created_by nvarchar(4000) = "data.engineer@example.com"
-- @framework nvarchar(4000) = "onnx"
-- @inputs_schema nvarchar(4000) = "[{\"name\": \"Cost\", \"type\": \"float\"}]"
-- @outputs_schema nvarchar(4000) = "[{\"type\": \"long\"}]"
-- @model varbinary(max) = (1234 bytes)
INSERT INTO [wwi_ml].[PredictModels] ([ID], [name], [description], [version], [created_time], [created_by], [framework], [model], [inputs_schema], [outputs_schema])
VALUES (@id, @name, @description, @version, @created_time, @created_by, @framework, @model, @inputs_schema, @outputs_schema);
